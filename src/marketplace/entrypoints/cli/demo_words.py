"""Word lists for demo data: Indonesian store names, sellers, cities, and a category tree."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    name: str
    district: str
    postal_code: str
    lat: float
    lng: float


@dataclass(frozen=True, slots=True)
class Leaf:
    """A subcategory and what its products are made of: nouns, materials, variant options, ranges."""

    name: str
    nouns: tuple[str, ...]
    materials: tuple[str, ...]
    options: tuple[str, ...]
    price: tuple[int, int]
    weight: tuple[int, int]


SIZES = ("S", "M", "L", "XL", "XXL")
SHOE_SIZES = ("38", "39", "40", "41", "42", "43")
COLOURS = ("Hitam", "Putih", "Navy", "Merah Marun", "Hijau Army", "Abu-abu", "Coklat", "Krem", "Biru Dongker")
VOLUMES = ("50 ml", "100 ml", "250 ml", "500 ml")
PACKS = ("Isi 1", "Isi 2", "Isi 3", "Isi 6", "Isi 12")
CAPACITIES = ("Standar", "Plus", "Pro", "Max")

CATEGORY_TREE: dict[str, tuple[Leaf, ...]] = {
    "Fashion Pria": (
        Leaf(
            "Kemeja Pria",
            ("Kemeja", "Kemeja Flanel", "Kemeja Batik"),
            ("Katun", "Linen", "Rayon", "Oxford"),
            SIZES,
            (65_000, 450_000),
            (200, 400),
        ),
        Leaf(
            "Kaos Pria",
            ("Kaos", "Kaos Polo", "Kaos Oversize"),
            ("Katun Combed", "Cotton Bamboo", "Pique"),
            SIZES,
            (35_000, 180_000),
            (150, 300),
        ),
        Leaf(
            "Celana Pria",
            ("Celana Chino", "Celana Jeans", "Celana Cargo"),
            ("Denim", "Katun Twill", "Drill"),
            SIZES,
            (95_000, 550_000),
            (350, 700),
        ),
        Leaf(
            "Jaket Pria",
            ("Jaket Bomber", "Jaket Parka", "Hoodie"),
            ("Fleece", "Taslan", "Kanvas", "Kulit Sintetis"),
            SIZES,
            (120_000, 850_000),
            (450, 1_200),
        ),
        Leaf(
            "Sepatu Pria",
            ("Sepatu Sneakers", "Sepatu Pantofel", "Sepatu Boots"),
            ("Kulit Sapi", "Kanvas", "Suede"),
            SHOE_SIZES,
            (150_000, 1_500_000),
            (700, 1_400),
        ),
    ),
    "Fashion Wanita": (
        Leaf(
            "Dress",
            ("Dress", "Gamis", "Maxi Dress"),
            ("Rayon", "Ceruty", "Katun Linen", "Satin"),
            SIZES,
            (85_000, 650_000),
            (250, 600),
        ),
        Leaf(
            "Blouse",
            ("Blouse", "Tunik", "Kemeja Wanita"),
            ("Katun", "Crinkle", "Sifon", "Rayon"),
            SIZES,
            (55_000, 320_000),
            (180, 350),
        ),
        Leaf(
            "Hijab",
            ("Hijab Segi Empat", "Pashmina", "Bergo"),
            ("Voal", "Ceruty Babydoll", "Jersey", "Katun"),
            COLOURS,
            (25_000, 150_000),
            (80, 200),
        ),
        Leaf(
            "Tas Wanita",
            ("Tas Selempang", "Tas Tote", "Dompet", "Tas Ransel"),
            ("Kulit Asli", "Kanvas", "Anyaman Rotan", "Nilon"),
            COLOURS,
            (75_000, 1_200_000),
            (250, 900),
        ),
    ),
    "Rumah Tangga": (
        Leaf(
            "Peralatan Dapur",
            ("Wajan", "Panci", "Talenan", "Set Pisau"),
            ("Stainless", "Besi Cor", "Kayu Jati", "Keramik"),
            CAPACITIES,
            (45_000, 850_000),
            (400, 3_000),
        ),
        Leaf(
            "Dekorasi Rumah",
            ("Vas Bunga", "Lampu Meja", "Jam Dinding", "Bingkai Foto"),
            ("Keramik", "Rotan", "Kayu Mahoni", "Bambu"),
            COLOURS,
            (35_000, 600_000),
            (300, 2_500),
        ),
        Leaf(
            "Kamar Tidur",
            ("Sprei", "Bed Cover", "Bantal", "Selimut"),
            ("Katun Jepang", "Microfiber", "Tencel"),
            CAPACITIES,
            (60_000, 950_000),
            (500, 3_500),
        ),
        Leaf(
            "Penyimpanan",
            ("Rak Serbaguna", "Kotak Penyimpanan", "Keranjang"),
            ("Rotan", "Plastik", "Kayu Pinus", "Besi"),
            CAPACITIES,
            (30_000, 750_000),
            (400, 6_000),
        ),
    ),
    "Elektronik": (
        Leaf(
            "Audio",
            ("Earphone", "Headphone", "Speaker Bluetooth"),
            ("Aluminium", "Plastik ABS", "Kulit Sintetis"),
            COLOURS,
            (55_000, 2_500_000),
            (100, 1_500),
        ),
        Leaf(
            "Aksesoris HP",
            ("Casing HP", "Charger", "Kabel Data", "Power Bank"),
            ("Silikon", "Nilon Kepang", "Aluminium"),
            COLOURS,
            (15_000, 450_000),
            (50, 400),
        ),
        Leaf(
            "Komputer",
            ("Keyboard Mekanikal", "Mouse Wireless", "Stand Laptop", "Webcam"),
            ("Aluminium", "Plastik ABS", "Kayu"),
            CAPACITIES,
            (65_000, 1_800_000),
            (150, 1_500),
        ),
        Leaf(
            "Kamera",
            ("Tripod", "Tas Kamera", "Ring Light", "Strap Kamera"),
            ("Aluminium", "Kanvas", "Kulit Sintetis"),
            CAPACITIES,
            (45_000, 1_500_000),
            (150, 2_000),
        ),
    ),
    "Kecantikan": (
        Leaf(
            "Perawatan Wajah",
            ("Serum Wajah", "Toner", "Masker Wajah", "Pelembap"),
            ("Lidah Buaya", "Teh Hijau", "Kunyit", "Niacinamide"),
            VOLUMES,
            (25_000, 350_000),
            (80, 400),
        ),
        Leaf(
            "Perawatan Rambut",
            ("Sampo", "Kondisioner", "Minyak Rambut"),
            ("Lidah Buaya", "Kemiri", "Ginseng", "Argan"),
            VOLUMES,
            (20_000, 250_000),
            (100, 600),
        ),
        Leaf(
            "Parfum",
            ("Parfum", "Body Mist", "Eau de Toilette"),
            ("Melati", "Cendana", "Vanila", "Kopi"),
            VOLUMES,
            (35_000, 900_000),
            (100, 450),
        ),
    ),
    "Olahraga & Outdoor": (
        Leaf(
            "Camping",
            ("Tenda", "Sleeping Bag", "Matras", "Kompor Portable"),
            ("Nilon Ripstop", "Polyester", "Aluminium"),
            CAPACITIES,
            (75_000, 2_500_000),
            (400, 4_500),
        ),
        Leaf(
            "Fitness",
            ("Matras Yoga", "Dumbbell", "Resistance Band", "Skipping"),
            ("Karet Alami", "Besi", "TPE", "Nilon"),
            CAPACITIES,
            (25_000, 950_000),
            (200, 5_000),
        ),
        Leaf(
            "Sepatu Olahraga",
            ("Sepatu Lari", "Sepatu Futsal", "Sepatu Badminton"),
            ("Mesh", "Kulit Sintetis", "Knit"),
            SHOE_SIZES,
            (180_000, 1_600_000),
            (600, 1_200),
        ),
        Leaf(
            "Sepeda",
            ("Helm Sepeda", "Lampu Sepeda", "Botol Minum", "Sarung Tangan Sepeda"),
            ("Aluminium", "Polikarbonat", "Silikon"),
            COLOURS,
            (35_000, 850_000),
            (100, 900),
        ),
    ),
}

ADJECTIVES = (
    "Premium",
    "Original",
    "Elegan",
    "Minimalis",
    "Klasik",
    "Modern",
    "Eksklusif",
    "Ringan",
    "Tahan Lama",
    "Handmade",
    "Vintage",
    "Casual",
    "Sporty",
    "Lembut",
    "Anti Air",
    "Portable",
    "Serbaguna",
    "Kekinian",
)
USES = (
    "pemakaian sehari-hari",
    "hadiah untuk orang tersayang",
    "kerja dan kuliah",
    "acara santai di akhir pekan",
    "perjalanan dan liburan",
    "kebutuhan rumah modern",
    "penggunaan jangka panjang",
)
PROMISES = (
    "Barang dicek satu per satu sebelum dikirim.",
    "Garansi tukar 7 hari bila ada cacat produksi.",
    "Pesanan sebelum jam 15.00 dikirim di hari yang sama.",
    "Stok ready, langsung kirim.",
    "Produk lokal berkualitas, dibuat oleh pengrajin kami sendiri.",
)

STORE_PREFIXES = ("Toko", "Warung", "Griya", "Rumah", "Kedai", "Galeri", "Pusat", "Sentra", "Butik", "Dapur")
STORE_WORDS = (
    "Sinar",
    "Jaya",
    "Makmur",
    "Abadi",
    "Sejahtera",
    "Berkah",
    "Mulia",
    "Cahaya",
    "Sentosa",
    "Lestari",
    "Maju",
    "Bintang",
    "Mandiri",
    "Harapan",
    "Rejeki",
    "Sumber",
    "Karya",
    "Putra",
    "Indah",
    "Nusantara",
)
STORE_SUFFIXES = ("", "Jaya", "Abadi", "Bersama", "Sejati", "Utama", "Official")

FIRST_NAMES = (
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Rina",
    "Andi",
    "Putri",
    "Eko",
    "Wahyu",
    "Sri",
    "Joko",
    "Ayu",
    "Rizky",
    "Fitri",
    "Hendra",
    "Indah",
    "Bayu",
    "Lestari",
    "Dian",
    "Yusuf",
    "Nur",
    "Fajar",
)
LAST_NAMES = (
    "Santoso",
    "Wijaya",
    "Pratama",
    "Saputra",
    "Hidayat",
    "Nugroho",
    "Kusuma",
    "Setiawan",
    "Siregar",
    "Halim",
    "Gunawan",
    "Purnomo",
    "Lubis",
    "Susanto",
    "Rahman",
    "Tanjung",
    "Hasibuan",
)

STREETS = (
    "Jl. Jend. Sudirman",
    "Jl. M.H. Thamrin",
    "Jl. Gatot Subroto",
    "Jl. Diponegoro",
    "Jl. Merdeka",
    "Jl. Asia Afrika",
    "Jl. Pemuda",
    "Jl. Ahmad Yani",
    "Jl. Veteran",
    "Jl. Cendana",
    "Jl. Melati",
    "Jl. Kenanga",
    "Jl. Raya Darmo",
    "Jl. Braga",
    "Jl. Ir. H. Juanda",
    "Jl. Pahlawan",
)

# Real neighbourhoods around Jakarta, Bandung and Surabaya with their approximate centres.
CITIES = (
    City("Jakarta Pusat", "Menteng", "10310", -6.1962, 106.8330),
    City("Jakarta Selatan", "Kebayoran Baru", "12110", -6.2436, 106.7999),
    City("Jakarta Barat", "Kebon Jeruk", "11530", -6.1921, 106.7697),
    City("Jakarta Timur", "Jatinegara", "13310", -6.2250, 106.8700),
    City("Jakarta Utara", "Kelapa Gading", "14240", -6.1588, 106.9056),
    City("Tangerang Selatan", "Serpong", "15310", -6.3012, 106.6527),
    City("Depok", "Margonda", "16424", -6.3730, 106.8320),
    City("Bekasi", "Bekasi Selatan", "17141", -6.2383, 106.9756),
    City("Bogor", "Bogor Tengah", "16121", -6.5971, 106.8060),
    City("Bandung", "Coblong", "40135", -6.8850, 107.6135),
    City("Bandung", "Sumur Bandung", "40111", -6.9175, 107.6091),
    City("Cimahi", "Cimahi Tengah", "40525", -6.8722, 107.5425),
    City("Surabaya", "Gubeng", "60281", -7.2655, 112.7525),
    City("Surabaya", "Tegalsari", "60262", -7.2717, 112.7386),
    City("Surabaya", "Rungkut", "60293", -7.3233, 112.7811),
    City("Sidoarjo", "Sidoarjo Kota", "61211", -7.4478, 112.7183),
)
