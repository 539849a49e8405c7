import { render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import { setLocale } from '../lib/i18n/i18n.svelte';
import ProgressBar from './ProgressBar.svelte';

beforeEach(() => setLocale('en'));

describe('ProgressBar', () => {
  it('is indeterminate until the total is known', () => {
    render(ProgressBar, { progress: { task: 'sync', phase: 'consents', done: 7, total: null }, label: 'Sync', testid: 'p' });
    expect(screen.getByRole('progressbar', { name: 'Sync' })).not.toHaveAttribute('value');
    expect(screen.getByTestId('p-text')).toHaveTextContent('Consents: 7 so far');
  });

  it('shows done of total, in Hindi too, and names unknown phases as sent', () => {
    setLocale('hi');
    render(ProgressBar, { progress: { task: 'sync', phase: 'mystery', done: 100000, total: 200000 }, label: 'Sync', testid: 'p' });
    expect(screen.getByRole('progressbar')).toHaveAttribute('value', '100000');
    expect(screen.getByTestId('p-text')).toHaveTextContent('mystery: 2,00,000 में से 1,00,000');
  });
});
