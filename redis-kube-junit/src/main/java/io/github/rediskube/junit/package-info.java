/**
 * A JUnit 5 extension for tests against a real Kubernetes cluster: {@link io.github.rediskube.junit.RedisKubeTest}
 * gives a test class an ephemeral Redis deployment in a namespace of its own and injects it,
 * {@link io.github.rediskube.junit.RedisKubeCluster} and {@link io.github.rediskube.junit.RedisKubeSpec} choose
 * the cluster and shape the spec, and {@link io.github.rediskube.junit.KubernetesClusters} finds a cluster (a
 * kubeconfig, or a K3s container). Values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.rediskube.junit;

import org.jspecify.annotations.NullMarked;
