#!/bin/sh
# CUDA image build step: node-llama-cpp's CUDA backend must find its CUDA libraries in this base image.
# Its prebuilt binaries come in two builds: the primary one (@node-llama-cpp/linux-x64-cuda, CUDA 13:
# libcudart.so.13, libcublas.so.13) and a fallback (@node-llama-cpp/linux-x64-cuda-ext, …/fallback,
# CUDA 12), which node-llama-cpp loads when the primary one cannot load. One of them must resolve every
# library but libcuda.so.1 (the host driver's, mounted at run time by the NVIDIA Container Toolkit) and
# libggml-base.so (node-llama-cpp's own, already loaded from the primary folder). Fails the build
# otherwise, listing what is missing: a CUDA base whose major matches neither.
#
# usage (in the folder with node_modules): sh check-cuda-libraries.sh
set -eu
prebuilt=node_modules/@node-llama-cpp
primary="${prebuilt}/linux-x64-cuda/bins/linux-x64-cuda"
fallback="${prebuilt}/linux-x64-cuda-ext/bins/linux-x64-cuda/fallback"
[ -f "${primary}/libggml-cuda.so" ] || { echo "check-cuda-libraries: no CUDA binaries in ${primary}" >&2; exit 1; }

missing_for() {
  for library in "$@"; do ldd "${library}"; done | awk '/not found/ { print $1 }' |
    grep -v -e '^libcuda\.so\.1$' -e '^libggml-base\.so$' | sort -u || true
}
primary_missing="$(missing_for "${primary}"/*.so "${primary}"/*.node)"
fallback_missing="$(missing_for "${fallback}"/*.so)"
if [ -z "${primary_missing}" ]; then
  echo "check-cuda-libraries: the primary CUDA backend (CUDA 13) finds all its libraries"
elif [ -z "${fallback_missing}" ]; then
  echo "check-cuda-libraries: the fallback CUDA backend (CUDA 12) finds all its libraries"
else
  echo "check-cuda-libraries: neither CUDA backend finds its libraries in this base image" >&2
  echo "  primary (CUDA 13) misses: $(echo ${primary_missing})" >&2
  echo "  fallback (CUDA 12) misses: $(echo ${fallback_missing})" >&2
  exit 1
fi
