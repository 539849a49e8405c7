import { describe, expect, it } from 'vitest';
import { isSecretServiceFailure, technicalDetail } from './technicalDetail';

describe('technicalDetail', () => {
  it('keeps each clause of a wrapped error once', () => {
    const raw =
      'The system keychain is unavailable: the OS keychain is unavailable: no Secret Service answered on the D-Bus session bus (Platform secure storage failure: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files); start a Secret Service provider';
    const detail = technicalDetail(raw);
    expect(detail.match(/keychain is unavailable/giu)).toHaveLength(1);
    expect(detail).toContain('org.freedesktop.DBus.Error.ServiceUnknown');
    expect(detail.startsWith('The system keychain is unavailable: no Secret Service answered')).toBe(true);
    expect(isSecretServiceFailure(raw)).toBe(true);
  });

  it('leaves a message without repeats as it is', () => {
    expect(technicalDetail('The system keychain did not answer within 10 seconds.')).toBe(
      'The system keychain did not answer within 10 seconds.',
    );
    expect(isSecretServiceFailure('access denied')).toBe(false);
    expect(isSecretServiceFailure(undefined)).toBe(false);
  });
});
