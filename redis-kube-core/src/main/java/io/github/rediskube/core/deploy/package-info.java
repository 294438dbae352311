/**
 * Applying rendered manifests to a cluster and following them:
 * {@link io.github.rediskube.core.deploy.RedisDeployment} is the handle on one deployment (apply, wait for
 * readiness, read status and password, scale, update, delete), {@link io.github.rediskube.core.deploy.DeployOptions}
 * says how objects are written and {@link io.github.rediskube.core.deploy.DeploymentStatus} what runs.
 * Values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.github.rediskube.core.deploy;

import org.jspecify.annotations.NullMarked;
