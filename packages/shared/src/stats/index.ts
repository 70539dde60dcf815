export { type Distribution, distribution, quantile } from './quantile.js';
