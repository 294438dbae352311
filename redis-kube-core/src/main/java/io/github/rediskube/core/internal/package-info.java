/**
 * Not API: the plumbing that lets {@code RedisKube} stay the one entry point while the deploy package keeps its
 * internals package-private. Nothing here is covered by compatibility promises; do not use it.
 */
@NullMarked
package io.github.rediskube.core.internal;

import org.jspecify.annotations.NullMarked;
