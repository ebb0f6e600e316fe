// Worker thread of the review clusters: k-means over the unreviewed images' embeddings runs here, so
// neither the extension host nor the webview waits on it (pure JS: it may be terminated at any time).
import { parentPort } from 'node:worker_threads';
import { reviewClusters, type ClusterItem, type ClusterOptions } from '../../core/similarity/reviewClusters';

export interface ClusterRequest {
  items: ClusterItem[];
  vectors: Float32Array;
  dim: number;
  opts: ClusterOptions;
}

const port = parentPort!;
port.on('message', (req: ClusterRequest) => {
  try {
    port.postMessage({ clusters: reviewClusters(req.items, req.vectors, req.dim, req.opts) });
  } catch (e) {
    port.postMessage({ error: (e as Error).message });
  }
});
