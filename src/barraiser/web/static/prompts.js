// Copy the chosen length, interviewer and mode into whichever prompt's form is submitted.
document.addEventListener("submit", function (event) {
  var form = event.target.closest(".start-form");
  if (!form) return;
  document.querySelectorAll("[data-option]").forEach(function (select) {
    var field = form.querySelector('input[name="' + select.dataset.option + '"]');
    if (field) field.value = select.value;
  });
});
