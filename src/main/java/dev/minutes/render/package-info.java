/**
 * Published minutes in the docs site's format ({@code docs/format.md}): pure functions, no I/O.
 *
 * <ul>
 *   <li>{@link dev.minutes.render.MinutesRenderer} writes a file from a {@link
 *       dev.minutes.render.FrontMatter} and a body; {@link dev.minutes.render.MinutesParser} reads
 *       one back. For every text the parser accepts, rendering the result gives the same bytes;
 *       anything else is refused with a {@link dev.minutes.render.MinutesFormatException} naming
 *       the line.
 *   <li>{@link dev.minutes.render.BodyTemplate} writes a new meeting's initial body in the corpus
 *       layout.
 *   <li>{@link dev.minutes.render.ActionItems} finds {@code - [ ] Owner: text} items in a body, our
 *       extension of the format.
 * </ul>
 */
package dev.minutes.render;
