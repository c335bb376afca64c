/** Router child (a): our router, exactly as the embedded start builds it, on a free port. */

import { loadSecrets } from '../../platform/auth/secrets.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { createRouter } from '../../router/server.ts';
import { childSettings, reportListening } from './shared.ts';

const config = loadConfig(process.env);
const router = await createRouter(config, { secrets: loadSecrets(config), subgraphUrls: childSettings().subgraphUrls });
reportListening(await router.listen(0), () => router.close());
