import type { Deps } from '../deps.ts';
import { createRouter } from '../http.ts';
import { serviceAuth } from './auth.ts';
import { eventFeedRoutes } from '../events/feed-routes.ts';

/**
 * The service API (/service/v1): machine callers inside the exchange, each
 * with its own key and scopes. serviceAuth runs first on every path (so an
 * unknown path under /service/v1 is a 401 before it is a 404); each route then
 * checks its one scope (serviceRoute).
 */
export function serviceRoutes(deps: Deps) {
  const router = createRouter();
  router.use('*', serviceAuth(deps));
  router.route('/', eventFeedRoutes(deps));
  return router;
}
