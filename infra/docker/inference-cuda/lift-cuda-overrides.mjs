// CUDA image build step: lets npm install node-llama-cpp's CUDA binaries, which the repository stands
// in with an empty package (package.json "overrides", so CPU hosts and CI skip ~640 MB). Deleting the
// overrides is not enough: the lockfile pins those packages to the stand-in, and `npm install` keeps a
// locked package's optional dependencies as locked. So the overrides go, and so do the lockfile's
// entries for the CUDA packages and for node-llama-cpp itself: `npm install` then resolves node-llama-cpp
// again at the exact version the inference service pins, with its CUDA packages at its own pins.
// usage (in the folder with package.json and package-lock.json): node lift-cuda-overrides.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const CUDA_PACKAGES = ['@node-llama-cpp/linux-x64-cuda', '@node-llama-cpp/linux-x64-cuda-ext'];
const RESOLVED_AGAIN = [...CUDA_PACKAGES, 'node-llama-cpp'];

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
for (const name of CUDA_PACKAGES) {
  if (!manifest.overrides?.[name]) throw new Error(`package.json has no override of ${name} to lift`);
  delete manifest.overrides[name];
}
for (const name of RESOLVED_AGAIN) {
  const paths = Object.keys(lock.packages ?? {}).filter(
    (path) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`),
  );
  if (paths.length === 0) throw new Error(`package-lock.json has no entry for ${name}`);
  for (const path of paths) delete lock.packages[path];
}
writeFileSync('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lift-cuda-overrides: ${CUDA_PACKAGES.join(', ')} will be installed from the npm registry`);
