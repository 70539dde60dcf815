import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's folder (infra/deploy-check). */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(PACKAGE_DIR, '../..');
export const CHART_DIR = join(REPO_ROOT, 'infra/helm/aloe');
export const COMPOSE_FILE = join(REPO_ROOT, 'infra/docker-compose.yml');
export const COMPOSE_GPU_FILE = join(REPO_ROOT, 'infra/docker/compose.gpu.yml');
export const PILOT_ENV_EXAMPLE = join(REPO_ROOT, 'infra/docker/pilot.env.example');
export const DOCKER_DIR = join(REPO_ROOT, 'infra/docker');
