/**
 * Read/write-split Lettuce connections to redis-kube deployments: writes to the master, reads to the
 * replicas. Not built yet (see the project's client issue); this module reserves its place in the build.
 */
package io.github.rediskube.client;
