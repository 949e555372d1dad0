// Person form: when a complete ID-card number is typed, fill the birth date and sex it
// encodes, if they are still blank. The server does the same for a form sent without
// script; this only saves typing. Served from /static (the CSP forbids inline script).
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function parse(raw) {
    var value = raw.replace(/\s+/g, "").toUpperCase();
    if (!/^\d{17}[\dX]$/.test(value)) return null;
    var total = 0;
    for (var i = 0; i < 17; i++) total += Number(value[i]) * WEIGHTS[i];
    if (CHECK[total % 11] !== value[17]) return null;
    var year = Number(value.slice(6, 10));
    var month = Number(value.slice(10, 12));
    var day = Number(value.slice(12, 14));
    var born = new Date(Date.UTC(year, month - 1, day));
    if (born.getUTCFullYear() !== year || born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day) {
      return null;
    }
    return {
      birthDate: value.slice(6, 10) + "-" + value.slice(10, 12) + "-" + value.slice(12, 14),
      sex: Number(value[16]) % 2 === 1 ? "male" : "female"
    };
  }

  function fill() {
    var found = parse(this.value);
    if (!found) return;
    var birth = document.getElementById("birth_date");
    var sex = document.getElementById("sex");
    if (birth && !birth.value) birth.value = found.birthDate;
    if (sex && !sex.value) sex.value = found.sex;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("id_number");
    if (input) {
      input.addEventListener("input", fill);
      input.addEventListener("change", fill);
    }
  });
})();
