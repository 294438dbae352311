/**
 * Pure rendering of specs into fabric8 model objects: the Redis and Sentinel workloads, Services, ConfigMap,
 * Secret, NetworkPolicy and PodDisruptionBudgets of a deployment, a tenant's namespace and quota, and the RBAC a
 * caller needs. No API calls, no clock, no randomness: the same spec renders byte-identical manifests.
 * Values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.rediskube.core.render;

import org.jspecify.annotations.NullMarked;
