// Module resolve hook (node:module register): `roomcast/sdk` always means this server's SDK, wherever
// the importing plugin lives (node_modules, a folder next to roomcast.yaml). Plugins then share the
// server's contracts and its zod instance instead of a second copy.
let sdkUrl;

export async function initialize(data) {
  sdkUrl = data.sdkUrl;
}

export async function resolve(specifier, context, nextResolve) {
  // Through the rest of the chain, so the TypeScript loader (tsx) still handles the .ts file.
  if (specifier === 'roomcast/sdk' || specifier === 'roomcast') return nextResolve(sdkUrl, context);
  return nextResolve(specifier, context);
}
