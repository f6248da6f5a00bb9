package dev.minutes.series;

import dev.minutes.meeting.MeetingFacts;
import dev.minutes.render.ActionItem;
import dev.minutes.render.ActionItems;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The action items still open across a series' calls. Calls carry open items over ("Review previous
 * notes"), so one item appears in many calls: it counts once, as raised in the first call that has
 * it, and is done once a later call ticks it. Items are told apart as {@link ActionItems#identity}
 * does. Pure.
 */
final class OpenActions {
  private OpenActions() {}

  /**
   * One open item.
   *
   * @param owner who owns it ("" when nobody is named)
   * @param text what is to be done
   * @param meeting the call that raised it
   * @param date that call's date
   */
  record OpenAction(String owner, String text, String meeting, String date) {}

  /** The open items of {@code calls} (oldest first), grouped by owner, in the order raised. */
  static List<OpenAction> of(List<MeetingFacts> calls) {
    Map<String, OpenAction> open = new LinkedHashMap<>();
    for (MeetingFacts call : calls) {
      List<ActionItem> items = call.actionItems();
      items.stream()
          .filter(ActionItem::done)
          .forEach(item -> open.remove(ActionItems.identity(item)));
      for (ActionItem item : ActionItems.open(items)) {
        open.putIfAbsent(
            ActionItems.identity(item),
            new OpenAction(item.owner(), item.text(), call.id(), call.date().toString()));
      }
    }
    return open.values().stream()
        .sorted(Comparator.comparing((OpenAction a) -> a.owner().toLowerCase(Locale.ROOT)))
        .toList();
  }
}
