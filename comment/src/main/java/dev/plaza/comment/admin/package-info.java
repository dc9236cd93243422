/**
 * The comment admin role: moderation and search for admins.
 *
 * <h2>HTTP ({@link dev.plaza.comment.admin.CommentAdminRoutes}), all admin-only (-101 anonymous, -403 not admin)</h2>
 * <ul>
 *   <li>{@code GET /x/admin/reply/search?keyword&mid&oid&type&state&from&to&pn&ps}: every filter optional; keyword is
 *   a phrase (1-100 chars) in the message; state 0 normal, 1 hidden, 2 deleted, 3 pending; from/to Unix seconds,
 *   inclusive; pn from 1, ps 1-50 (default 20), pn*ps at most 10000; newest first. Answer
 *   {@code data.page{pn,ps,total}}, {@code data.replies[]{rpid,oid,type,mid,root,parent,dialog,floor,state,attr,
 *   like,hate,ctime,content{message}}}. Reads the search index, which trails the tables by about a second.</li>
 *   <li>{@code GET /x/admin/reply/queue?type&oid&pn&ps}: comments held for review (state 3), oldest first, same
 *   answer.</li>
 *   <li>{@code POST /x/admin/reply/hide|restore|approve} (type, oid, rpid): state to 1, 0, 0 ({@code ModerateEvent});
 *   {@code POST /x/admin/reply/del} (type, oid, rpid): admin delete ({@code DeleteEvent}, by 3);
 *   {@code POST /x/admin/reply/top} (type, oid, rpid, action 1 pin / 0 unpin, default 1; {@code PinEvent}). Checked
 *   against the tables first (-404 no such comment in that subject, 12022 already deleted, -400 pinning a reply,
 *   -404 pinning a hidden root), then published through {@link dev.plaza.comment.biz.CommentEvents}: the job applies
 *   them like every other write, so they take effect moments after the answer. Answer
 *   {@code data{rpid,state,target,published}}; {@code published=false} when the comment already was there.</li>
 *   <li>{@code POST /x/admin/reply/reindex}: rebuilds the index from the tables; answers
 *   {@code data{index,documents,took_ms}}; -503 while another reindex runs.</li>
 * </ul>
 * Bad parameters answer -400 and change nothing. Wiring: {@link dev.plaza.comment.admin.server.AdminServer}.
 */
package dev.plaza.comment.admin;
