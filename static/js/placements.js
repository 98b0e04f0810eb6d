// 基本信息: the 学历信息 fieldset is shown only when 是否高校毕业生 = 是 (seed 003: 如不是，该栏自动隐藏).
// Without script the fieldset simply stays visible; the server only requires it for graduates.
(function () {
  "use strict";
  var select = document.getElementById("id_is_graduate");
  var box = document.getElementById("graduate-fields");
  if (!select || !box) { return; }
  function sync() { box.classList.toggle("graduate-hidden", select.value !== "1"); }
  select.addEventListener("change", sync);
  sync();
})();
