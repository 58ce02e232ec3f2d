import { mount } from 'svelte';
import App from './App.svelte';
import InTab from './local/InTab.svelte';
import { IN_TAB } from './local/mode';
import './style.css';

// In-tab mode (the static export) opens a file first; otherwise the server holds the data.
mount(IN_TAB ? InTab : App, { target: document.getElementById('app') as HTMLElement });
