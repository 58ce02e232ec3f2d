/** Clustering: k-means (Euclidean and spherical), shared by evaluation and routing attention. */
export { type Clustering, type KMeansOptions, type KMeansResult, kmeans, kmeansRows } from './kmeans.js';
