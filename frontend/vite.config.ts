import { defineConfig, type Plugin } from "vite"
import { compression } from "vite-plugin-compression2"
import { VitePWA } from "vite-plugin-pwa"
import wasm from "vite-plugin-wasm"

/** Paths of the server itself, never answered with the page shell by the service worker. */
const SERVER_PATHS = [/^\/api\//, /^\/sync/, /^\/health\//, /^\/metrics/, /^\/operator\//]

/**
 * The page's first script must hold no Automerge and no automerge-repo: they come with
 * src/meeting/liveMeeting.ts, a script of its own that the page imports while it asks for the
 * meeting, so that the stored text shows without evaluating them first (frontend/README.md,
 * "Opening a long meeting"). A static import of them from the first script's modules fails the build.
 */
function firstScriptWithoutAutomerge(): Plugin {
  return {
    name: "first-script-without-automerge",
    apply: "build",
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk" || !chunk.isEntry) continue
        const automerge = Object.keys(chunk.modules).filter((id) => id.includes("/node_modules/@automerge/"))
        if (automerge.length > 0) {
          this.error(
            `The first script (${chunk.fileName}) holds ${automerge.length} modules of Automerge, e.g. ${automerge[0]}: ` +
              "import them only from src/meeting/liveMeeting.ts and what it imports (type-only imports are fine).",
          )
        }
      }
    },
  }
}

// The Java server serves these files from its classpath root: index.html for `/` and `/m/*`,
// everything else under /assets/. Nothing may come from another origin (see the CSP in README.md).
export default defineConfig({
  base: "/",
  plugins: [
    wasm(),
    firstScriptWithoutAutomerge(),
    // Every hashed asset also as .br and .gz beside it, made once here: the server sends these to
    // browsers that accept them instead of compressing on each first visit (Automerge's 3.6 MB wasm
    // cost it most of a second of CPU per visitor). See PrecompressedAssets on the server.
    compression({
      include: /^assets\/.*\.(js|css|wasm|svg)$/,
      algorithms: ["brotliCompress", "gzip"],
      threshold: 1024,
    }),
    // A service worker (Workbox) keeps the built page: after one visit it loads offline, and the
    // meeting opens from IndexedDB. src/offline/serviceWorker.ts registers it (no inline script: CSP).
    VitePWA({
      strategies: "generateSW",
      filename: "sw.js",
      injectRegister: false,
      manifest: false,
      workbox: {
        globPatterns: ["**/*.{html,js,css,wasm,svg}"],
        // Automerge's wasm is ~3.6 MB; the page does not work without it.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        // Every page address (/, /m/…, unknown ones) is the one page; the server's own routes are not.
        navigateFallback: "/index.html",
        navigateFallbackDenylist: SERVER_PATHS,
        // Hashed names already change with their content.
        dontCacheBustURLsMatching: /^assets\//,
        // One script (sw.js), no workbox-<hash>.js beside it.
        inlineWorkboxRuntime: true,
        cleanupOutdatedCaches: true,
        // A new version takes over at once; open pages keep running, the next load gets it.
        skipWaiting: true,
        clientsClaim: true,
      },
    }),
  ],
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
