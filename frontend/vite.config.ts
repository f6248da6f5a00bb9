import { defineConfig } from "vite"
import wasm from "vite-plugin-wasm"

// The Java server serves these files from its classpath root: index.html for `/` and `/m/*`,
// everything else under /assets/. Nothing may come from another origin (see the CSP in README.md).
export default defineConfig({
  base: "/",
  plugins: [wasm()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Automerge's wasm module is initialised with top-level await.
    target: "es2022",
    assetsDir: "assets",
    // Never inline assets as data: URIs: the CSP (default-src 'self') would block them.
    assetsInlineLimit: 0,
    // Automerge's wasm is ~1.7 MB; a warning about it tells us nothing new.
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: "es" },
  optimizeDeps: {
    // Pre-bundling would copy the wasm-importing module away from its .wasm file; everything else
    // (automerge-repo and its CommonJS dependencies) must be pre-bundled for the dev server.
    exclude: ["@automerge/automerge"],
  },
  server: {
    // `npm run dev` talks to a running server (java -jar target/minutes.jar) for the API and /sync.
    proxy: {
      "/api": process.env.MINUTES_DEV_BACKEND ?? "http://127.0.0.1:8080",
      "/sync": {
        target: (process.env.MINUTES_DEV_BACKEND ?? "http://127.0.0.1:8080").replace(/^http/, "ws"),
        ws: true,
      },
    },
  },
})
