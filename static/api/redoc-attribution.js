// Redoc (the bundle drf-spectacular-sidecar ships) draws Redocly's logo beside "API docs by
// Redocly" in its sidebar from https://cdn.redoc.ly, and has no option to leave it out. This
// site loads nothing from a third party (its Content-Security-Policy refuses it, and the
// browser reports each refusal), so that image is hidden without a source, before it is
// requested; the attribution link stays, as text. Redoc's React sets an image's `src` property
// on an element it has not yet put in the page (where setting it starts the download), so the
// property is wrapped, and setAttribute too; this file runs before Redoc's.
(function () {
  "use strict";
  var thirdParty = "https://cdn.redoc.ly/";
  var image = HTMLImageElement.prototype;
  var src = Object.getOwnPropertyDescriptor(image, "src");
  var setAttribute = image.setAttribute;

  function fromThirdParty(element, value) {
    if (String(value).indexOf(thirdParty) !== 0) {
      return false;
    }
    element.hidden = true;
    return true;
  }

  Object.defineProperty(image, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      if (!fromThirdParty(this, value)) {
        src.set.call(this, value);
      }
    },
  });
  image.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "src" && fromThirdParty(this, value)) {
      return undefined;
    }
    return setAttribute.call(this, name, value);
  };
})();
