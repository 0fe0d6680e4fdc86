import { Card, CardContent, Stack, Typography } from '@mui/material';
import {
    ListButton,
    Title,
    useGetIdentity,
    useResourceDefinitions,
    useTranslate,
} from 'react-admin';

/** The home page: who is signed in, and the pages their role opens. */
export const Dashboard = () => {
    const translate = useTranslate();
    const { identity } = useGetIdentity();
    const resources = Object.values(useResourceDefinitions()).filter(resource => resource.hasList);

    return (
        <Card sx={{ mt: 2 }}>
            <Title title="rebind.dashboard.title" />
            <CardContent>
                <Typography variant="h5" component="h2" gutterBottom>
                    {translate('rebind.dashboard.welcome', { name: identity?.name ?? '' })}
                </Typography>
                {identity ? (
                    <Typography color="text.secondary" gutterBottom>
                        {translate('rebind.dashboard.signed_in_as', {
                            email: identity.email,
                            role: translate(`rebind.roles.${identity.role}`),
                        })}
                    </Typography>
                ) : null}
                {resources.length === 0 ? (
                    <Typography>{translate('rebind.dashboard.nothing_yet')}</Typography>
                ) : (
                    <Stack direction="row" spacing={1} sx={{ mt: 2, flexWrap: 'wrap' }} useFlexGap>
                        {resources.map(resource => (
                            <ListButton
                                key={resource.name}
                                resource={resource.name}
                                label={translate(`resources.${resource.name}.name`, { smart_count: 2 })}
                                icon={resource.icon ? <resource.icon /> : undefined}
                                variant="outlined"
                            />
                        ))}
                    </Stack>
                )}
            </CardContent>
        </Card>
    );
};
