import type { TranslationMessages } from 'react-admin';
import englishMessages from 'ra-language-english';

const messages: TranslationMessages = {
    ...englishMessages,
    rebind: {
        app: {
            title: 'Rebind desk',
            load_failed: 'The desk could not be loaded. Check your connection, then reload the page.',
            reload: 'Reload',
        },
        roles: {
            agent: 'Agent',
            supervisor: 'Supervisor',
            auditor: 'Auditor',
            admin: 'Administrator',
        },
        locale_switcher: {
            label: 'Language',
        },
        sign_in: {
            title: 'Rebind desk',
            password_step: 'Sign in with your staff email and password.',
            code_step: 'Enter the 6-digit code from your authenticator app.',
            signing_in_as: 'Signing in as %{email}',
            email: 'Email',
            password: 'Password',
            code: 'Authentication code',
            code_hint: 'The code changes every 30 seconds.',
            continue: 'Continue',
            verify: 'Verify and sign in',
            start_over: 'Use a different account',
            busy: 'Please wait…',
            errors: {
                required: 'Enter your email and password.',
                invalid_credentials: 'The email or password is not right.',
                code_format: 'Enter the 6 digits of the code.',
                invalid_code:
                    'That code is not right. Check the time on your device and enter the current code.',
                challenge_expired:
                    'Your sign-in took too long. Enter your password again.',
                locked: 'Too many attempts. Try again in 1 minute. |||| Too many attempts. Try again in %{smart_count} minutes.',
                rate_limited:
                    'Too many sign-in attempts from this network. Try again in 1 minute. |||| Too many sign-in attempts from this network. Try again in %{smart_count} minutes.',
                network: 'The server cannot be reached. Check your connection and try again.',
                unexpected: 'Sign-in failed. Try again, or give support this reference: %{requestId}',
                unexpected_no_reference: 'Sign-in failed. Try again in a moment.',
            },
        },
        errors: {
            unauthenticated: 'Sign in first.',
            session_expired: 'Your session has expired; sign in again.',
            forbidden: 'Your role does not allow this.',
            csrf_failed: 'The request was refused for security reasons. Reload the page and try again.',
            not_found: 'Not found.',
            stale_version: 'Someone else changed this record. Reload it and try again.',
            already_exists: 'It already exists.',
            payload_too_large: 'The request is too large.',
            self_action: 'You cannot do this to your own account.',
            last_factor: 'This is the last 2FA method; bind another one before removing it.',
            rate_limited: 'Too many requests. Wait a moment and try again.',
            internal_error: 'Something went wrong on the server.',
        },
        dashboard: {
            title: 'Home',
            welcome: 'Welcome, %{name}',
            signed_in_as: 'Signed in as %{email}, role: %{role}.',
            nothing_yet: 'There is nothing for your role on this desk yet.',
            open: 'Open',
        },
    },
    resources: {
        'audit-events': {
            name: 'Audit event |||| Audit log',
            fields: {
                id: 'Seq.',
                ts: 'Time',
                actorType: 'Actor type',
                actorId: 'Actor ID',
                actorLabel: 'Actor',
                action: 'Action',
                targetType: 'Target type',
                targetId: 'Target ID',
                ip: 'IP address',
                requestId: 'Request ID',
                details: 'Details',
                q: 'Search',
                ts_gte: 'From',
                ts_lte: 'Until',
            },
            actor_types: {
                staff: 'Staff',
                user: 'User',
                system: 'System',
            },
            actions: {
                export_csv: 'Export CSV',
            },
            details: {
                empty: 'No details were recorded for this event.',
            },
            chain: {
                checking: 'Checking the chain…',
                intact: 'Chain intact (1 event) |||| Chain intact (%{smart_count} events)',
                broken: 'Chain broken at event #%{id}: %{problem}',
                unavailable: 'Chain check failed',
                recheck: 'Check the hash chain again',
                problems: {
                    edited: 'edited after it was written',
                    missing: 'deleted',
                    reordered: 'out of order',
                    truncated: 'the latest events were deleted',
                    head_mismatch: 'the chain head does not match',
                },
            },
        },
        staff: {
            name: 'Staff member |||| Staff',
            fields: {
                id: 'ID',
                email: 'Email',
                name: 'Name',
                role: 'Role',
                disabled: 'Disabled',
                createdAt: 'Created',
                lastLoginAt: 'Last sign-in',
            },
            never_signed_in: 'Never',
            credentials: {
                title: 'Sign-in details for %{name}',
                warning:
                    'Copy these now and hand them over through a secure channel. They will not be shown again.',
                password: 'Temporary password',
                totp_secret: 'TOTP secret',
                otpauth_uri: 'Authenticator setup link',
                qr_code: 'QR code for an authenticator app',
                copy: 'Copy',
                copied: 'Copied',
                done: 'I have saved them',
            },
        },
    },
};

export default messages;
