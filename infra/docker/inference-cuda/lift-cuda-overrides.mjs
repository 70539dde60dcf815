// CUDA image build step: lets npm install node-llama-cpp's CUDA binaries, which the repository stands
// in with an empty package (package.json "overrides", so CPU hosts and CI skip ~640 MB). Deleting the
// overrides is not enough: the lockfile pins those packages to the stand-in, and `npm install` keeps a
// locked package's optional dependencies as locked. So the overrides go, and so do the lockfile's
// entries for the CUDA packages and for node-llama-cpp itself: `npm install` then resolves node-llama-cpp
// again at the exact version the inference service pins, with its CUDA packages at its own pins.
// --vulkan lifts the Vulkan build's stand-in too; --skip-lifted passes over a package whose override is
// gone already (infra/gpu/enable-cuda.sh run again), where the image build wants to hear of it.
// usage (in the folder with package.json and package-lock.json):
//   node lift-cuda-overrides.mjs [--vulkan] [--skip-lifted]
import { readFileSync, writeFileSync } from 'node:fs';

const flags = process.argv.slice(2);
const unknown = flags.filter((flag) => !['--vulkan', '--skip-lifted'].includes(flag));
if (unknown.length > 0) throw new Error(`lift-cuda-overrides: unknown option ${unknown.join(' ')}`);
const CUDA_PACKAGES = [
  '@node-llama-cpp/linux-x64-cuda',
  '@node-llama-cpp/linux-x64-cuda-ext',
  ...(flags.includes('--vulkan') ? ['@node-llama-cpp/linux-x64-vulkan'] : []),
];

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const lifting = CUDA_PACKAGES.filter((name) => {
  if (manifest.overrides?.[name]) return true;
  if (flags.includes('--skip-lifted')) return false;
  throw new Error(`package.json has no override of ${name} to lift`);
});
for (const name of lifting) delete manifest.overrides[name];
// node-llama-cpp is resolved again only when a stand-in goes: otherwise its entry is already the registry's.
for (const name of lifting.length > 0 ? [...lifting, 'node-llama-cpp'] : []) {
  const paths = Object.keys(lock.packages ?? {}).filter(
    (path) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`),
  );
  // Absent, it is resolved again anyway: a run after a failed install (--skip-lifted) goes on.
  if (paths.length === 0 && !flags.includes('--skip-lifted'))
    throw new Error(`package-lock.json has no entry for ${name}`);
  for (const path of paths) delete lock.packages[path];
}
writeFileSync('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  lifting.length > 0
    ? `lift-cuda-overrides: ${lifting.join(', ')} will be installed from the npm registry`
    : 'lift-cuda-overrides: nothing to lift (lifted already)',
);
