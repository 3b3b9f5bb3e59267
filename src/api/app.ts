// The express application: routers mounted in order, unknown paths and every error answered as
// problem+json, and no framework banner.
import express, { type Express, type Router } from 'express';
import { ApiError, ErrorCodes } from '../errors.js';
import type { Logger } from '../observe/logger.js';
import { problemHandler } from './problem.js';

export function createApp(routers: Router[], logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  for (const r of routers) app.use(r);
  app.use((req, _res, next) => {
    next(new ApiError(404, ErrorCodes.API_NOT_FOUND, `no resource at ${req.method} ${req.path}`));
  });
  app.use(problemHandler(logger));
  return app;
}
