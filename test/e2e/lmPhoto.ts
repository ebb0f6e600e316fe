// A real photo for the Language Model API scenario (the tiny colour model is unsure of it).
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

export const SHARED_PHOTO = path.join(REPO_ROOT, '..', 'shared', 'datasets', 'hymenoptera', 'val', 'bees', '10870992_eebeeb3a12.jpg');
