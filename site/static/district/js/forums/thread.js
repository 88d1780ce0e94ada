// An open thread: new replies, edits, hidden posts, reactions and thread state arrive live.
import { announce, clearDraft, formatTime, isOpen, on, saveDrafts, start } from "../live.js";

const list = document.getElementById("posts");
const template = document.getElementById("post-template");
const announcer = document.getElementById("live-announcer");
const newNote = document.getElementById("new-posts-note");
const me = Number(document.body.dataset.userId || 0);
const moderator = document.body.dataset.moderator === "true";
const onLastPage = list.dataset.lastPage === "true";

function postNode(id) {
  return document.getElementById(`post-${id}`);
}

function build(data) {
  const node = template.content.firstElementChild.cloneNode(true);
  node.id = `post-${data.post_id}`;
  node.dataset.postId = data.post_id;
  node.dataset.authorId = data.author_id;
  node.querySelector("[data-slot=author]").textContent = data.author;
  node.querySelector("[data-slot=permalink]").href = `#post-${data.post_id}`;
  const time = node.querySelector("[data-slot=time]");
  time.dateTime = data.created_at;
  const lang = (document.documentElement.lang || "ko").toLowerCase();
  time.textContent = (data.created_at_text && data.created_at_text[lang]) || formatTime(data.created_at);
  node.querySelector("[data-slot=body]").innerHTML = data.html; // sanitised on the server (nh3)
  const mine = me && me === data.author_id;
  const react = node.querySelector("form[data-react]");
  const readonly = node.querySelector("[data-react-readonly]");
  if (react && !mine) {
    react.action = `/forums/p/${data.post_id}/react/`;
    readonly?.remove();
  } else {
    react?.remove();
    readonly?.removeAttribute("hidden"); // your own post, or signed out: the counts, as the page shows them
  }
  const quote = node.querySelector("[data-quote]");
  if (quote) quote.href = `?quote=${data.post_id}#reply-title`;
  const report = node.querySelector("[data-report]");
  if (report) {
    if (mine) report.remove();
    else report.href = `/forums/p/${data.post_id}/report/`;
  }
  const edit = node.querySelector("[data-edit]");
  if (edit) {
    if (mine || moderator) edit.href = `/forums/p/${data.post_id}/edit/`;
    else edit.remove();
  }
  const deleteOwn = node.querySelector("[data-delete-own]");
  if (deleteOwn) {
    if (mine) deleteOwn.href = `/forums/p/${data.post_id}/delete/`;
    else deleteOwn.remove();
  }
  bindReactions(node);
  return node;
}

function isBelowView(node) {
  return node.getBoundingClientRect().top > window.innerHeight;
}

on("post.created", (data) => {
  if (postNode(data.post_id)) return;
  if (!onLastPage) {
    newNote.hidden = false;
    return;
  }
  const node = build(data);
  list.append(node);
  announce(`${announcer.dataset.newReply} ${data.author}`);
  if (isBelowView(node) && data.author_id !== me) newNote.hidden = false;
});

on("post.edited", (data) => {
  const node = postNode(data.post_id);
  if (!node) return;
  node.querySelector("[data-slot=body]").innerHTML = data.html;
  node.querySelector("[data-slot=edited]").hidden = false;
});

function removeOrMark(data) {
  const node = postNode(data.post_id);
  if (!node) return;
  if (moderator) node.classList.add("is-hidden");
  else node.remove();
}
on("post.hidden", removeOrMark);
on("post.deleted", (data) => postNode(data.post_id)?.remove());
on("post.restored", (data) => {
  const existing = postNode(data.post_id);
  if (existing) {
    existing.classList.remove("is-hidden");
    return;
  }
  if (!onLastPage) return;
  const node = build(data);
  const after = [...list.children].find((li) => Number(li.dataset.postId) > data.post_id);
  list.insertBefore(node, after || null);
});

on("reactions.changed", (data) => {
  const node = postNode(data.post_id);
  if (!node) return;
  for (const holder of node.querySelectorAll("[data-kind]")) {
    const count = holder.querySelector("[data-count]");
    if (count) count.textContent = String(data.counts[holder.dataset.kind] || 0);
  }
});

on("thread.changed", () => {
  saveDrafts();
  window.location.reload();
});
on("thread.moved", (data) => {
  saveDrafts();
  window.location.assign(data.url);
});

newNote?.querySelector("[data-jump-new]")?.addEventListener("click", () => {
  newNote.hidden = true;
});

// Replying without leaving the page; without JavaScript the form posts normally.
const form = document.getElementById("reply-form");
if (form) {
  const errors = form.querySelector("[data-form-errors]");
  const textarea = form.querySelector("textarea");
  // The errors a fetch brings are tied to the field, as the server page does.
  const described = (textarea.getAttribute("aria-describedby") || "")
    .split(" ")
    .filter((id) => id && id !== errors.id);
  const markInvalid = (invalid) => {
    if (invalid) {
      textarea.setAttribute("aria-invalid", "true");
      textarea.setAttribute("aria-describedby", [...described, errors.id].join(" "));
    } else {
      textarea.removeAttribute("aria-invalid");
      if (described.length) textarea.setAttribute("aria-describedby", described.join(" "));
      else textarea.removeAttribute("aria-describedby");
    }
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    errors.hidden = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const body = await response.json();
      if (response.ok) {
        clearDraft(textarea);
        markInvalid(false);
        textarea.value = "";
        form.querySelector("input[name=quote_of]").value = "";
        // The next reply is a new write: a fresh idempotency key (district.idempotency).
        const key = form.querySelector("input[name=idempotency_key]");
        if (key) key.value = crypto.randomUUID().replaceAll("-", "");
        // The live update shows the post; if the socket is down, go to it.
        window.setTimeout(() => {
          if (!postNode(body.post_id)) window.location.assign(body.url);
        }, isOpen() ? 3000 : 0);
      } else if (body.errors?.confirm_personal_data) {
        // Personal data to confirm: the server's page shows the warning and the checkbox.
        form.submit();
      } else {
        errors.replaceChildren(
          ...Object.values(body.errors || {})
            .flat()
            .map((text) => Object.assign(document.createElement("p"), { textContent: text })),
        );
        errors.hidden = false;
        markInvalid(true);
        textarea.focus();
      }
    } catch {
      form.submit();
    } finally {
      button.disabled = false;
    }
  });
}

function bindReactions(root) {
  for (const reactForm of root.querySelectorAll("form[data-react]")) {
    reactForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = event.submitter;
      const data = new FormData(reactForm);
      data.set("kind", button.value);
      const response = await fetch(reactForm.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const body = await response.json();
      button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
      for (const holder of reactForm.querySelectorAll("[data-kind]")) {
        holder.querySelector("[data-count]").textContent = String(body.counts[holder.dataset.kind] || 0);
      }
    });
  }
}
bindReactions(document);
start();
