import { mount } from 'svelte';
import './fonts.css';
import './app.css';
import App from './App.svelte';
import { startLocale } from './lib/i18n/i18n.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('Khata: #app element missing from index.html');

// A remembered Hindi is fetched before the first render, so the app never starts in English.
await startLocale();

export default mount(App, { target });
