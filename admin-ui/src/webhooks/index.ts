import WebhookIcon from '@mui/icons-material/WebhookOutlined';
import { WebhookEndpointCreate } from './WebhookEndpointCreate';
import { WebhookEndpointEdit } from './WebhookEndpointEdit';
import { WebhookEndpointList } from './WebhookEndpointList';

export default {
  list: WebhookEndpointList,
  create: WebhookEndpointCreate,
  edit: WebhookEndpointEdit,
  icon: WebhookIcon,
  recordRepresentation: 'url',
};
