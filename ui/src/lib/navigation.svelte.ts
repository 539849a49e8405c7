/** Which screen is showing. A desktop app has no address bar, so plain state is enough. */
export type View =
  | 'home'
  | 'connect'
  | 'requests'
  | 'consents'
  | 'offer'
  | 'timeline'
  | 'phone'
  | 'rights'
  | 'profile'
  | 'audit'
  | 'verify'
  | 'export';

export const VIEWS: ReadonlyArray<View> = [
  'home',
  'connect',
  'requests',
  'consents',
  'offer',
  'timeline',
  'phone',
  'rights',
  'profile',
  'audit',
  'verify',
  'export',
];

export const navigation = $state<{ view: View }>({ view: 'home' });

export function go(view: View): void {
  navigation.view = view;
}
