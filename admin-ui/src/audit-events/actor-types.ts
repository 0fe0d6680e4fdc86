export const ACTOR_TYPES = ['staff', 'user', 'system', 'service'] as const;

export type ActorType = (typeof ACTOR_TYPES)[number];

/** Choices for SelectInput / SelectField; names are translation keys. */
export const actorTypeChoices = ACTOR_TYPES.map((actorType) => ({
  id: actorType,
  name: `resources.audit-events.actor_types.${actorType}`,
}));
