import ServiceAccountIcon from '@mui/icons-material/VpnKeyOutlined';
import { ServiceAccountCreate } from './ServiceAccountCreate';
import { ServiceAccountList } from './ServiceAccountList';

export default {
  list: ServiceAccountList,
  create: ServiceAccountCreate,
  icon: ServiceAccountIcon,
  recordRepresentation: 'name',
};
