import TeamIcon from '@mui/icons-material/Groups';
import { TeamList } from './TeamList';

// Supervisors only (team.read); a list and its commands, nothing to edit.
export default {
  list: TeamList,
  icon: TeamIcon,
  recordRepresentation: (record: { name: string }) => record.name,
};
