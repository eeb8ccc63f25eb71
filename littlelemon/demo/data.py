"""The demo restaurant: Little Lemon, a family-owned Mediterranean restaurant in Chicago."""

from decimal import Decimal

D = Decimal

# (slug, title, position)
CATEGORIES = [
    ("starters", "Starters", 1),
    ("mezze", "Mezze", 2),
    ("salads", "Salads", 3),
    ("mains", "Mains", 4),
    ("pasta", "Pasta", 5),
    ("grill", "From the Grill", 6),
    ("desserts", "Desserts", 7),
    ("drinks", "Drinks", 8),
]

# The kitchen's stations: name -> the category slugs it makes (the kitchen display's picker).
STATIONS = {
    "Grill": ["grill", "mains", "breakfast", "lunch-specials"],
    "Cold": ["starters", "mezze", "salads", "desserts", "brunch"],
    "Pasta": ["pasta"],
    "Bar": ["drinks"],
}

# category slug -> [(title, price, description, dietary, allergens, featured)]
DISHES = {
    "starters": [
        (
            "Bruschetta",
            D("7.99"),
            "Grilled sourdough rubbed with garlic, topped with tomato, basil and olive oil.",
            ["vegetarian", "vegan", "dairy-free", "nut-free"],
            ["gluten"],
            True,
        ),
        (
            "Lemon Garlic Shrimp",
            D("12.50"),
            "Pan-seared shrimp in lemon, garlic and chilli butter with crusty bread.",
            ["nut-free"],
            ["crustaceans", "milk", "gluten"],
            False,
        ),
        (
            "Stuffed Grape Leaves",
            D("8.25"),
            "Vine leaves rolled with herbed rice, pine nuts and lemon.",
            ["vegetarian", "vegan", "dairy-free", "gluten-free"],
            ["tree-nuts"],
            False,
        ),
        (
            "Spanakopita",
            D("9.00"),
            "Crisp filo triangles filled with spinach, feta and dill.",
            ["vegetarian", "nut-free"],
            ["gluten", "milk", "eggs"],
            False,
        ),
        (
            "Fried Calamari",
            D("11.75"),
            "Lightly floured squid, lemon aioli.",
            ["dairy-free", "nut-free"],
            ["molluscs", "gluten", "eggs"],
            False,
        ),
    ],
    "mezze": [
        (
            "Hummus",
            D("6.50"),
            "Chickpeas, tahini, lemon and garlic; warm pita.",
            ["vegetarian", "vegan", "dairy-free", "nut-free"],
            ["sesame", "gluten"],
            False,
        ),
        (
            "Baba Ghanoush",
            D("6.95"),
            "Smoky roasted aubergine with tahini and pomegranate.",
            ["vegetarian", "vegan", "dairy-free", "gluten-free", "nut-free"],
            ["sesame"],
            False,
        ),
        (
            "Tzatziki",
            D("5.50"),
            "Greek yoghurt, cucumber, garlic and mint.",
            ["vegetarian", "gluten-free", "nut-free"],
            ["milk"],
            False,
        ),
        (
            "Falafel",
            D("7.25"),
            "Crisp chickpea and herb fritters with tahini sauce.",
            ["vegetarian", "vegan", "dairy-free", "nut-free"],
            ["sesame"],
            True,
        ),
        (
            "Marinated Olives",
            D("4.75"),
            "Kalamata and green olives with orange zest and thyme.",
            ["vegetarian", "vegan", "dairy-free", "gluten-free", "nut-free"],
            [],
            False,
        ),
    ],
    "salads": [
        (
            "Greek Salad",
            D("12.99"),
            "Crispy lettuce, peppers, olives and Chicago-style feta, garlic and rosemary croutons.",
            ["vegetarian", "nut-free"],
            ["milk", "gluten"],
            True,
        ),
        (
            "Fattoush",
            D("10.50"),
            "Chopped salad with toasted pita, sumac and pomegranate molasses.",
            ["vegetarian", "vegan", "dairy-free", "nut-free"],
            ["gluten"],
            False,
        ),
        (
            "Tabbouleh",
            D("9.25"),
            "Parsley, mint, bulgur, tomato and lemon.",
            ["vegetarian", "vegan", "dairy-free", "nut-free"],
            ["gluten"],
            False,
        ),
        (
            "Beetroot and Goat Cheese",
            D("11.00"),
            "Roasted beets, whipped goat cheese, walnuts and honey.",
            ["vegetarian", "gluten-free"],
            ["milk", "tree-nuts"],
            False,
        ),
        (
            "Watermelon Feta Salad",
            D("10.25"),
            "Watermelon, feta, mint and black olives.",
            ["vegetarian", "gluten-free", "nut-free"],
            ["milk"],
            False,
        ),
    ],
    "mains": [
        (
            "Moussaka",
            D("18.50"),
            "Layers of aubergine, spiced lamb and béchamel, baked until golden.",
            ["nut-free"],
            ["milk", "eggs", "gluten"],
            True,
        ),
        (
            "Lemon Chicken Orzo",
            D("17.25"),
            "Roast chicken thighs, lemon orzo, spinach and parmesan.",
            ["nut-free"],
            ["milk", "gluten", "celery"],
            False,
        ),
        (
            "Vegetable Tagine",
            D("15.75"),
            "Slow-cooked seasonal vegetables, apricots and chickpeas with couscous.",
            ["vegetarian", "vegan", "dairy-free"],
            ["gluten", "tree-nuts"],
            False,
        ),
        (
            "Baked Sea Bass",
            D("22.00"),
            "Whole sea bass, fennel, capers and cherry tomatoes.",
            ["gluten-free", "dairy-free", "nut-free"],
            ["fish"],
            False,
        ),
        (
            "Stuffed Peppers",
            D("14.50"),
            "Peppers filled with rice, herbs, tomato and pine nuts.",
            ["vegetarian", "vegan", "dairy-free", "gluten-free"],
            ["tree-nuts"],
            False,
        ),
    ],
    "pasta": [
        (
            "Pasta Puttanesca",
            D("15.00"),
            "Spaghetti, tomatoes, olives, capers and anchovies.",
            ["dairy-free", "nut-free"],
            ["gluten", "fish"],
            False,
        ),
        (
            "Shrimp Linguine",
            D("19.50"),
            "Linguine with shrimp, lemon, garlic and chilli.",
            ["nut-free"],
            ["gluten", "crustaceans", "milk"],
            False,
        ),
        (
            "Mushroom Tagliatelle",
            D("16.25"),
            "Wild mushrooms, thyme, cream and parmesan.",
            ["vegetarian", "nut-free"],
            ["gluten", "milk", "eggs"],
            False,
        ),
        (
            "Pesto Gnocchi",
            D("15.50"),
            "Potato gnocchi with basil and pine-nut pesto.",
            ["vegetarian"],
            ["gluten", "milk", "tree-nuts"],
            False,
        ),
        (
            "Lamb Ragù Pappardelle",
            D("18.75"),
            "Slow-braised lamb, red wine, rosemary.",
            ["nut-free"],
            ["gluten", "eggs", "celery", "sulphites"],
            False,
        ),
    ],
    "grill": [
        (
            "Chicken Souvlaki",
            D("16.50"),
            "Marinated chicken skewers, pita, tzatziki and fries.",
            ["nut-free"],
            ["gluten", "milk"],
            True,
        ),
        (
            "Lamb Kofta",
            D("18.00"),
            "Spiced lamb kebabs, sumac onions, flatbread.",
            ["nut-free", "dairy-free"],
            ["gluten"],
            False,
        ),
        (
            "Grilled Halloumi",
            D("13.25"),
            "Halloumi, grilled peppers and salsa verde.",
            ["vegetarian", "gluten-free", "nut-free"],
            ["milk"],
            False,
        ),
        (
            "Ribeye Steak",
            D("29.00"),
            "12 oz ribeye, oregano fries, chimichurri.",
            ["gluten-free", "dairy-free", "nut-free"],
            [],
            False,
        ),
        (
            "Swordfish Skewers",
            D("24.50"),
            "Swordfish, lemon, oregano and grilled vegetables.",
            ["gluten-free", "dairy-free", "nut-free"],
            ["fish"],
            False,
        ),
    ],
    "desserts": [
        (
            "Lemon Dessert",
            D("5.00"),
            "Straight from grandma's recipe book: authentic lemon cake.",
            ["vegetarian", "nut-free"],
            ["gluten", "eggs", "milk"],
            True,
        ),
        (
            "Baklava",
            D("6.25"),
            "Filo layers with walnuts, pistachios and honey syrup.",
            ["vegetarian"],
            ["gluten", "tree-nuts", "milk"],
            False,
        ),
        (
            "Greek Yoghurt and Honey",
            D("5.75"),
            "Thick yoghurt, thyme honey and toasted walnuts.",
            ["vegetarian", "gluten-free"],
            ["milk", "tree-nuts"],
            False,
        ),
        (
            "Orange Olive Oil Cake",
            D("6.00"),
            "Moist cake with candied orange.",
            ["vegetarian", "dairy-free", "nut-free"],
            ["gluten", "eggs"],
            False,
        ),
        (
            "Loukoumades",
            D("6.50"),
            "Honey doughnuts with cinnamon.",
            ["vegetarian", "nut-free"],
            ["gluten", "milk"],
            False,
        ),
    ],
    "drinks": [
        (
            "Fresh Lemonade",
            D("3.75"),
            "Squeezed to order with mint.",
            ["vegetarian", "vegan", "gluten-free", "dairy-free", "nut-free"],
            [],
            False,
        ),
        (
            "Greek Coffee",
            D("3.25"),
            "Strong, unfiltered, served with a glass of water.",
            ["vegetarian", "vegan", "gluten-free", "dairy-free", "nut-free"],
            [],
            False,
        ),
        (
            "Mint Tea",
            D("3.00"),
            "Fresh mint leaves, honey on the side.",
            ["vegetarian", "vegan", "gluten-free", "dairy-free", "nut-free"],
            [],
            False,
        ),
        (
            "Sparkling Water",
            D("2.50"),
            "750 ml bottle.",
            ["vegetarian", "vegan", "gluten-free", "dairy-free", "nut-free"],
            [],
            False,
        ),
        (
            "Ayran",
            D("3.50"),
            "Chilled salted yoghurt drink.",
            ["vegetarian", "gluten-free", "nut-free"],
            ["milk"],
            False,
        ),
    ],
}

RESTAURANT = {
    "name": "Little Lemon",
    "phone": "+1 312 555 0142",
    "email": "hello@littlelemon.localhost",
    "address": "1420 W Lemon Street, Chicago, IL 60622",
    "currency": "USD",
    "tax_rate": D("10.250"),
    "delivery_fee": D("4.99"),
    "minimum_order": D("15.00"),
}

# weekday (Monday 0) -> [(opens, closes)] as "HH:MM": from breakfast at 08:00 every day; a break
# between lunch and dinner Monday to Thursday.
OPENING_HOURS = {
    0: [("08:00", "15:00"), ("17:00", "22:00")],
    1: [("08:00", "15:00"), ("17:00", "22:00")],
    2: [("08:00", "15:00"), ("17:00", "22:00")],
    3: [("08:00", "15:00"), ("17:00", "22:00")],
    4: [("08:00", "23:00")],
    5: [("08:00", "23:00")],
    6: [("08:00", "21:00")],
}

# username -> (password, email, role or "admin"/"customer", first name, last name)
USERS = {
    "admin": ("lemon-admin", "admin@littlelemon.localhost", "admin", "Adrian", "Owner"),
    "manager": ("lemon-manager", "manager@littlelemon.localhost", "manager", "Mario", "Rossi"),
    "kitchen": ("lemon-kitchen", "kitchen@littlelemon.localhost", "kitchen", "Adrian", "Cook"),
    "driver": ("lemon-driver", "driver@littlelemon.localhost", "delivery-crew", "Dimitri", "Driver"),
    "customer": ("lemon-customer", "customer@littlelemon.localhost", "customer", "Tilly", "Customer"),
}

# The floor: (label, seats, area)
TABLES = [
    ("W1", 2, "Window"),
    ("W2", 2, "Window"),
    ("W3", 4, "Window"),
    ("M1", 2, "Main room"),
    ("M2", 4, "Main room"),
    ("M3", 4, "Main room"),
    ("M4", 6, "Main room"),
    ("T1", 4, "Terrace"),
    ("T2", 4, "Terrace"),
    ("T3", 6, "Terrace"),
]

# Upcoming bookings made when there are none: (who, party size, preferred local time, days
# ahead at the earliest, notes). "customer" is the demo customer; any other name is a guest
# booked by the demo manager. The first free slot nearest the preferred time is taken.
BOOKINGS = [
    ("customer", 2, "19:00", 1, "Anniversary dinner; a quiet table if possible."),
    ("customer", 4, "12:30", 3, ""),
    ("Maria Lopez", 6, "20:00", 1, "Birthday: bringing a cake."),
    ("Sam Chen", 3, "18:30", 2, ""),
]
GUEST_PHONES = {"Maria Lopez": "+1 312 555 0142", "Sam Chen": "+1 312 555 0199"}

# Table combinations the manager allows (/staff/floor/combinations/): name, tables.
COMBINATIONS = [("M2+M3", ["M2", "M3"]), ("T1+T2", ["T1", "T2"])]

# Today's floor (/staff/floor/): guest, party size, preferred local start, and what became of it.
# "completed" and "no_show" bookings get the status their time calls for when the demo runs:
# that one once over, seated while under way, confirmed while ahead; "cancelled" is cancelled.
FLOOR_TODAY = [
    ("Alice Moreau", 2, "11:30", "completed"),
    ("Ben Okafor", 4, "12:30", "completed"),
    ("Chloe Park", 3, "13:00", "no_show"),
    ("Dev Patel", 2, "18:00", "completed"),
    ("Elena Rossi", 5, "19:00", "completed"),
    ("Farid Haddad", 4, "19:30", "no_show"),
    ("Grace Liu", 2, "20:00", "completed"),
    ("Ivan Novak", 8, "19:30", "completed"),  # a party for a combination
    ("Hugo Martin", 2, "18:30", "cancelled"),
]

DEMO_ADDRESS = "742 N Orchard Street, Apt 3, Chicago, IL 60614"

# Orders of the demo customer, placed and moved through their lifecycle by the services.
# (idempotency key, fulfilment, [(dish title, quantity)], tip, payment method, status to reach)
# The key marks an order as made: running seed_demo again adds nothing.
ORDERS = [
    ("demo-order-1", "delivery", [("Greek Salad", 2), ("Lemon Dessert", 2)], D("4.00"), "card", "delivered"),
    ("demo-order-2", "pickup", [("Lamb Ragù Pappardelle", 1), ("Tabbouleh", 1)], D("0.00"), "cash", "collected"),
    ("demo-order-3", "delivery", [("Moussaka", 1), ("Fresh Lemonade", 2)], D("3.00"), "cash", "out_for_delivery"),
    ("demo-order-4", "delivery", [("Falafel", 2), ("Bruschetta", 1)], D("2.00"), "card", "ready"),
    ("demo-order-5", "pickup", [("Chicken Souvlaki", 1), ("Hummus", 1)], D("0.00"), "cash", "preparing"),
    ("demo-order-6", "delivery", [("Lamb Kofta", 1), ("Fattoush", 1)], D("2.50"), "card", "placed"),
    ("demo-order-7", "pickup", [("Baklava", 3), ("Greek Coffee", 3)], D("0.00"), "cash", "cancelled"),
    # Cash the driver still holds (the board's "Cash to hand in"; littlelemon/payments).
    ("demo-order-8", "delivery", [("Moussaka", 1), ("Hummus", 1)], D("2.00"), "cash", "delivered"),
]

# The steps to each status, and who takes them ("assign" gives a delivery to the demo driver).
ORDER_PATHS = {
    "placed": [],
    "cancelled": [("customer", "cancelled")],
    "preparing": [("manager", "accepted"), ("kitchen", "preparing")],
    "ready": [("manager", "accepted"), ("manager", "assign"), ("kitchen", "preparing"), ("kitchen", "ready")],
    "out_for_delivery": [
        ("manager", "accepted"),
        ("manager", "assign"),
        ("kitchen", "preparing"),
        ("kitchen", "ready"),
        ("driver", "out_for_delivery"),
    ],
    "delivered": [
        ("manager", "accepted"),
        ("manager", "assign"),
        ("kitchen", "preparing"),
        ("kitchen", "ready"),
        ("driver", "out_for_delivery"),
        ("driver", "delivered"),
    ],
    "collected": [("manager", "accepted"), ("kitchen", "preparing"), ("kitchen", "ready"), ("kitchen", "collected")],
}


# Time-of-day menus and daily portions (menu.windows, menu.portions).
# Categories served only at some times: (slug, title, position, {weekday (Monday 0): (starts,
# ends)} in local time, [dishes as in DISHES]). Breakfast every morning until 11:00, brunch at the
# weekend, lunch specials on weekdays.
EVERY_DAY = range(7)
WEEKDAYS = range(5)
TIMED_CATEGORIES = [
    (
        "breakfast",
        "Breakfast",
        0,
        dict.fromkeys(EVERY_DAY, ("08:00", "11:00")),
        [
            (
                "Spinach and Feta Omelette",
                D("10.50"),
                "Three-egg omelette with spinach, feta and dill; toasted sourdough.",
                ["vegetarian", "nut-free"],
                ["eggs", "milk", "gluten"],
                False,
            ),
            (
                "Avocado Toast with Za'atar",
                D("9.75"),
                "Sourdough, smashed avocado, za'atar, chilli and a poached egg.",
                ["vegetarian", "dairy-free", "nut-free"],
                ["gluten", "eggs", "sesame"],
                False,
            ),
            (
                "Sesame Koulouri",
                D("4.50"),
                "Thessaloniki's sesame bread ring, warm, with butter and fig jam.",
                ["vegetarian", "nut-free"],
                ["gluten", "sesame", "milk"],
                False,
            ),
        ],
    ),
    (
        "brunch",
        "Weekend Brunch",
        9,
        {5: ("11:00", "14:00"), 6: ("11:00", "14:00")},
        [
            (
                "Shakshuka",
                D("13.50"),
                "Eggs poached in a spiced tomato and pepper sauce, with feta and warm pita.",
                ["vegetarian", "nut-free"],
                ["eggs", "milk", "gluten"],
                False,
            ),
            (
                "Ricotta Pancakes",
                D("11.00"),
                "Three fluffy pancakes with ricotta, berries and honey.",
                ["vegetarian", "nut-free"],
                ["eggs", "milk", "gluten"],
                False,
            ),
        ],
    ),
    (
        "lunch-specials",
        "Lunch Specials",
        10,
        dict.fromkeys(WEEKDAYS, ("11:30", "15:00")),
        [
            (
                "Chicken Gyro Plate",
                D("14.50"),
                "Sliced chicken gyro, warm pita, tzatziki, tomato and fries.",
                ["nut-free"],
                ["gluten", "milk"],
                False,
            ),
            (
                "Lentil Soup and Half Salad",
                D("11.50"),
                "A bowl of red lentil soup with cumin, and half a Greek salad.",
                ["vegetarian", "nut-free"],
                ["milk", "celery"],
                False,
            ),
        ],
    ),
]
# The day's special: a limited number of portions, counted again each morning.
DAILY_SPECIAL = (
    "mains",
    "Chef's Daily Special: Slow-Roasted Lamb Shoulder",
    D("24.00"),
    "Lamb shoulder roasted for seven hours with garlic, oregano and potatoes. Only a dozen a day.",
    ["gluten-free", "nut-free"],
    [],
    True,
    12,
)
# An order placed without an account (guest checkout), for pickup.
GUEST = {"name": "Gina Guest", "email": "gina@example.com", "phone": "+1 312 555 0199"}
GUEST_DISHES = [("Greek Salad", 1), ("Lamb Kofta", 1)]
