import { mount } from 'svelte';
import App from './App.svelte';
import InTab from './local/InTab.svelte';
import { serveMediaInTab } from './local/in-tab-media-urls';
import { IN_TAB } from './local/mode';
import './style.css';

// In-tab mode (the static export) opens a file first; otherwise the server holds the data.
if (IN_TAB) serveMediaInTab(document.body);
mount(IN_TAB ? InTab : App, { target: document.getElementById('app') as HTMLElement });
