/** 2-D layouts of embeddings (for the app's map): PCA, and which points a drawn polygon holds. */
export { type PcaLayoutOptions, pcaLayout } from './pca.js';
export { checkPolygon, MAX_POLYGON_VERTICES, type Polygon, pointsInPolygon } from './polygon.js';
