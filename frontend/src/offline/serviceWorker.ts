/**
 * Registers the service worker that keeps the built page (dist/sw.js, made by vite-plugin-pwa with
 * Workbox), so that after one visit the page loads without a network. Only in a built page: the
 * dev server has no sw.js. A failed registration costs the offline start only, never the page.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error: unknown) => {
    console.warn("The page will not load offline: its service worker could not be registered", error)
  })
}
