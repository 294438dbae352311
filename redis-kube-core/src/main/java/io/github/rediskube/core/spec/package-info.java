/**
 * What to deploy: immutable, validated records ({@link io.github.rediskube.core.spec.RedisReplicationSpec},
 * {@link io.github.rediskube.core.spec.TenantSpec} and their parts) with builders. A builder collects every
 * problem and reports them together when it builds. A spec is a value that renders nothing itself (this package
 * depends on no other of redis-kube's): {@code RedisKube.manifests(spec)} renders it without touching a cluster.
 * Values are non-null unless marked {@link org.jspecify.annotations.Nullable}, where {@code null} means
 * "not set" (the default documented on the component).
 */
@NullMarked
package io.github.rediskube.core.spec;

import org.jspecify.annotations.NullMarked;
