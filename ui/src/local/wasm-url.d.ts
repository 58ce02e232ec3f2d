// vite's `?url` imports: the emitted asset's URL (here parquet-wasm's WebAssembly module).
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
