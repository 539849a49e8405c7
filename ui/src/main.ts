import { mount } from 'svelte';
import './fonts.css';
import './app.css';
import App from './App.svelte';
import { startLocale } from './lib/i18n/i18n.svelte';
import { prefetchStartup } from './lib/startup';

const target = document.getElementById('app');
if (!target) throw new Error('Khata: #app element missing from index.html');

// The vault status and the overview are asked for at once; a remembered Hindi is fetched
// meanwhile, before the first render, so the app never starts in English.
prefetchStartup();
await startLocale();

export default mount(App, { target });
