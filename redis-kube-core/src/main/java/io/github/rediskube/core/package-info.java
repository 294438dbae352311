/**
 * Entry points of redis-kube: {@link io.github.rediskube.core.RedisKube} builds specs and deploys,
 * attaches to or provisions them through the caller's fabric8 client; {@link io.github.rediskube.core.Kubeconfig}
 * finds a cluster; every failure against a cluster is a {@link io.github.rediskube.core.RedisKubeException}.
 * Nothing in this package or its subpackages is {@code null} unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.rediskube.core;

import org.jspecify.annotations.NullMarked;
