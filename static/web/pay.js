// The card step (templates/web/order_pay.html): Stripe.js (Stripe's, or localstripe's in tests)
// collects the card in its Card Element and turns it into a token; the server creates and
// confirms the PaymentIntent. When Stripe asks for 3-D Secure, the page comes back with the
// intent's client secret: Stripe.js authenticates, then the return URL asks Stripe how it went.
(function () {
  "use strict";
  const form = document.getElementById("pay-form");
  if (!form || typeof window.Stripe !== "function") return;
  const stripe = window.Stripe(form.dataset.publishableKey);
  const errorBox = document.getElementById("pay-error");
  const button = document.getElementById("pay-button");

  function showError(message) {
    errorBox.textContent = message || "Your card could not be used.";
    button.disabled = false;
  }

  const secret = form.dataset.clientSecret;
  if (secret) {
    // 3-D Secure: Stripe's handleCardAction (localstripe offers confirmCardPayment instead).
    const authenticate = stripe.handleCardAction || stripe.confirmCardPayment;
    const intentId = secret.split("_secret_")[0];
    button.disabled = true;
    authenticate.call(stripe, secret).then(function () {
      window.location.assign(form.dataset.returnUrl + "?payment_intent=" + encodeURIComponent(intentId));
    });
    return;
  }

  const card = stripe.elements().create("card");
  card.mount("#card-element");
  form.addEventListener("submit", function (event) {
    if (document.getElementById("pay-token").value) return; // the token is in: let it go
    event.preventDefault();
    button.disabled = true;
    errorBox.textContent = "";
    stripe.createToken(card).then(function (result) {
      if (result.error) {
        showError(result.error.message);
        return;
      }
      document.getElementById("pay-token").value = result.token.id;
      form.submit();
    });
  });
})();
