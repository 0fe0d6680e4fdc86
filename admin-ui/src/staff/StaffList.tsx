import { BooleanField, DataTable, List, SelectField } from 'react-admin';
import { staffRoleChoices } from '../roles';
import { DateTimeField } from '../layout/DateTimeField';

export const StaffList = () => (
    <List sort={{ field: 'id', order: 'ASC' }} exporter={false} perPage={25}>
        <DataTable rowClick="edit" bulkActionButtons={false}>
            <DataTable.Col source="id" />
            <DataTable.Col source="email" />
            <DataTable.Col source="name" />
            <DataTable.Col source="role">
                <SelectField source="role" choices={staffRoleChoices} />
            </DataTable.Col>
            <DataTable.Col source="disabled" disableSort>
                {/* Only disabled accounts are marked. */}
                <BooleanField source="disabled" FalseIcon={null} />
            </DataTable.Col>
            <DataTable.Col source="createdAt">
                <DateTimeField source="createdAt" />
            </DataTable.Col>
            <DataTable.Col source="lastLoginAt">
                <DateTimeField source="lastLoginAt" emptyText="resources.staff.never_signed_in" />
            </DataTable.Col>
        </DataTable>
    </List>
);
