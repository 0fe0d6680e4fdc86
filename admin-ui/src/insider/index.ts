import InsiderIcon from '@mui/icons-material/PersonSearchOutlined';
import { lazy } from 'react';

// A page, not a list of records: the resource gives it a route and a menu entry.
// Loaded on first visit, so its code stays out of the desk's main chunk.
export default {
  list: lazy(() => import('./InsiderSignalsPage')),
  icon: InsiderIcon,
};
