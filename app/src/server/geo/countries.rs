//! ISO 3166-1 country names in the library's languages, for databases that
//! carry only the code and for rendering a stored code in the reader's
//! language. English as people use it; Spanish, French and German from the
//! Unicode CLDR (babel 2.19's CLDR data, Unicode License v3), with CLDR's
//! short forms for Hong Kong, Macao and Palestine.

/// The library's languages other than English, in the order of the
/// [`COUNTRY_NAMES`] columns after the English one.
const LANGUAGES: [&str; 3] = ["es", "fr", "de"];

fn row(
    code: &str,
) -> Option<&'static (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
    let code = code.trim();
    if code.len() != 2 {
        return None;
    }
    let upper = code.to_ascii_uppercase();
    COUNTRY_NAMES
        .binary_search_by(|(c, ..)| (*c).cmp(upper.as_str()))
        .ok()
        .and_then(|i| COUNTRY_NAMES.get(i))
}

/// The English short name of an ISO 3166-1 alpha-2 country code
/// (case-insensitive), for databases without names (DB-IP lite).
pub(crate) fn country_name(code: &str) -> Option<&'static str> {
    row(code).map(|r| r.1)
}

/// The country's name in `language` (`"es"`, `"fr"`, `"de"`; a region
/// subtag such as `es-MX` is ignored), `None` for English, another language
/// or an unknown code.
pub(crate) fn localized_country_name(code: &str, language: &str) -> Option<&'static str> {
    let language = language.split(['-', '_']).next().unwrap_or_default();
    let column = LANGUAGES.iter().position(|l| l.eq_ignore_ascii_case(language))?;
    row(code).map(|r| [r.2, r.3, r.4][column])
}

/// ISO 3166-1 alpha-2 codes (sorted), the English names people use, then
/// the Spanish, French and German names.
#[rustfmt::skip]
const COUNTRY_NAMES: &[(&str, &str, &str, &str, &str)] = &[
    ("AD", "Andorra", "Andorra", "Andorre", "Andorra"),
    ("AE", "United Arab Emirates", "Emiratos Árabes Unidos", "Émirats arabes unis", "Vereinigte Arabische Emirate"),
    ("AF", "Afghanistan", "Afganistán", "Afghanistan", "Afghanistan"),
    ("AG", "Antigua and Barbuda", "Antigua y Barbuda", "Antigua-et-Barbuda", "Antigua und Barbuda"),
    ("AI", "Anguilla", "Anguila", "Anguilla", "Anguilla"),
    ("AL", "Albania", "Albania", "Albanie", "Albanien"),
    ("AM", "Armenia", "Armenia", "Arménie", "Armenien"),
    ("AO", "Angola", "Angola", "Angola", "Angola"),
    ("AQ", "Antarctica", "Antártida", "Antarctique", "Antarktis"),
    ("AR", "Argentina", "Argentina", "Argentine", "Argentinien"),
    ("AS", "American Samoa", "Samoa Americana", "Samoa américaines", "Amerikanisch-Samoa"),
    ("AT", "Austria", "Austria", "Autriche", "Österreich"),
    ("AU", "Australia", "Australia", "Australie", "Australien"),
    ("AW", "Aruba", "Aruba", "Aruba", "Aruba"),
    ("AX", "Åland Islands", "Islas Aland", "Îles Åland", "Ålandinseln"),
    ("AZ", "Azerbaijan", "Azerbaiyán", "Azerbaïdjan", "Aserbaidschan"),
    ("BA", "Bosnia and Herzegovina", "Bosnia y Herzegovina", "Bosnie-Herzégovine", "Bosnien und Herzegowina"),
    ("BB", "Barbados", "Barbados", "Barbade", "Barbados"),
    ("BD", "Bangladesh", "Bangladés", "Bangladesh", "Bangladesch"),
    ("BE", "Belgium", "Bélgica", "Belgique", "Belgien"),
    ("BF", "Burkina Faso", "Burkina Faso", "Burkina Faso", "Burkina Faso"),
    ("BG", "Bulgaria", "Bulgaria", "Bulgarie", "Bulgarien"),
    ("BH", "Bahrain", "Baréin", "Bahreïn", "Bahrain"),
    ("BI", "Burundi", "Burundi", "Burundi", "Burundi"),
    ("BJ", "Benin", "Benín", "Bénin", "Benin"),
    ("BL", "Saint Barthélemy", "San Bartolomé", "Saint-Barthélemy", "St. Barthélemy"),
    ("BM", "Bermuda", "Bermudas", "Bermudes", "Bermuda"),
    ("BN", "Brunei", "Brunéi", "Brunei", "Brunei Darussalam"),
    ("BO", "Bolivia", "Bolivia", "Bolivie", "Bolivien"),
    ("BQ", "Caribbean Netherlands", "Caribe neerlandés", "Pays-Bas caribéens", "Karibische Niederlande"),
    ("BR", "Brazil", "Brasil", "Brésil", "Brasilien"),
    ("BS", "Bahamas", "Bahamas", "Bahamas", "Bahamas"),
    ("BT", "Bhutan", "Bután", "Bhoutan", "Bhutan"),
    ("BV", "Bouvet Island", "Isla Bouvet", "Île Bouvet", "Bouvetinsel"),
    ("BW", "Botswana", "Botsuana", "Botswana", "Botsuana"),
    ("BY", "Belarus", "Bielorrusia", "Biélorussie", "Belarus"),
    ("BZ", "Belize", "Belice", "Belize", "Belize"),
    ("CA", "Canada", "Canadá", "Canada", "Kanada"),
    ("CC", "Cocos (Keeling) Islands", "Islas Cocos", "Îles Cocos", "Kokosinseln"),
    ("CD", "DR Congo", "República Democrática del Congo", "Congo-Kinshasa", "Kongo-Kinshasa"),
    ("CF", "Central African Republic", "República Centroafricana", "République centrafricaine", "Zentralafrikanische Republik"),
    ("CG", "Republic of the Congo", "Congo", "Congo-Brazzaville", "Kongo-Brazzaville"),
    ("CH", "Switzerland", "Suiza", "Suisse", "Schweiz"),
    ("CI", "Côte d'Ivoire", "Côte d’Ivoire", "Côte d’Ivoire", "Côte d’Ivoire"),
    ("CK", "Cook Islands", "Islas Cook", "Îles Cook", "Cookinseln"),
    ("CL", "Chile", "Chile", "Chili", "Chile"),
    ("CM", "Cameroon", "Camerún", "Cameroun", "Kamerun"),
    ("CN", "China", "China", "Chine", "China"),
    ("CO", "Colombia", "Colombia", "Colombie", "Kolumbien"),
    ("CR", "Costa Rica", "Costa Rica", "Costa Rica", "Costa Rica"),
    ("CU", "Cuba", "Cuba", "Cuba", "Kuba"),
    ("CV", "Cape Verde", "Cabo Verde", "Cap-Vert", "Cabo Verde"),
    ("CW", "Curaçao", "Curazao", "Curaçao", "Curaçao"),
    ("CX", "Christmas Island", "Isla de Navidad", "Île Christmas", "Weihnachtsinsel"),
    ("CY", "Cyprus", "Chipre", "Chypre", "Zypern"),
    ("CZ", "Czechia", "Chequia", "Tchéquie", "Tschechien"),
    ("DE", "Germany", "Alemania", "Allemagne", "Deutschland"),
    ("DJ", "Djibouti", "Yibuti", "Djibouti", "Dschibuti"),
    ("DK", "Denmark", "Dinamarca", "Danemark", "Dänemark"),
    ("DM", "Dominica", "Dominica", "Dominique", "Dominica"),
    ("DO", "Dominican Republic", "República Dominicana", "République dominicaine", "Dominikanische Republik"),
    ("DZ", "Algeria", "Argelia", "Algérie", "Algerien"),
    ("EC", "Ecuador", "Ecuador", "Équateur", "Ecuador"),
    ("EE", "Estonia", "Estonia", "Estonie", "Estland"),
    ("EG", "Egypt", "Egipto", "Égypte", "Ägypten"),
    ("EH", "Western Sahara", "Sáhara Occidental", "Sahara occidental", "Westsahara"),
    ("ER", "Eritrea", "Eritrea", "Érythrée", "Eritrea"),
    ("ES", "Spain", "España", "Espagne", "Spanien"),
    ("ET", "Ethiopia", "Etiopía", "Éthiopie", "Äthiopien"),
    ("FI", "Finland", "Finlandia", "Finlande", "Finnland"),
    ("FJ", "Fiji", "Fiyi", "Fidji", "Fidschi"),
    ("FK", "Falkland Islands", "Islas Malvinas", "Îles Malouines", "Falklandinseln"),
    ("FM", "Micronesia", "Micronesia", "Micronésie", "Mikronesien"),
    ("FO", "Faroe Islands", "Islas Feroe", "Îles Féroé", "Färöer"),
    ("FR", "France", "Francia", "France", "Frankreich"),
    ("GA", "Gabon", "Gabón", "Gabon", "Gabun"),
    ("GB", "United Kingdom", "Reino Unido", "Royaume-Uni", "Vereinigtes Königreich"),
    ("GD", "Grenada", "Granada", "Grenade", "Grenada"),
    ("GE", "Georgia", "Georgia", "Géorgie", "Georgien"),
    ("GF", "French Guiana", "Guayana Francesa", "Guyane française", "Französisch-Guayana"),
    ("GG", "Guernsey", "Guernesey", "Guernesey", "Guernsey"),
    ("GH", "Ghana", "Ghana", "Ghana", "Ghana"),
    ("GI", "Gibraltar", "Gibraltar", "Gibraltar", "Gibraltar"),
    ("GL", "Greenland", "Groenlandia", "Groenland", "Grönland"),
    ("GM", "Gambia", "Gambia", "Gambie", "Gambia"),
    ("GN", "Guinea", "Guinea", "Guinée", "Guinea"),
    ("GP", "Guadeloupe", "Guadalupe", "Guadeloupe", "Guadeloupe"),
    ("GQ", "Equatorial Guinea", "Guinea Ecuatorial", "Guinée équatoriale", "Äquatorialguinea"),
    ("GR", "Greece", "Grecia", "Grèce", "Griechenland"),
    ("GS", "South Georgia and the South Sandwich Islands", "Islas Georgia del Sur y Sandwich del Sur", "Géorgie du Sud-et-les Îles Sandwich du Sud", "Südgeorgien und die Südlichen Sandwichinseln"),
    ("GT", "Guatemala", "Guatemala", "Guatemala", "Guatemala"),
    ("GU", "Guam", "Guam", "Guam", "Guam"),
    ("GW", "Guinea-Bissau", "Guinea-Bisáu", "Guinée-Bissau", "Guinea-Bissau"),
    ("GY", "Guyana", "Guyana", "Guyana", "Guyana"),
    ("HK", "Hong Kong", "Hong Kong", "Hong Kong", "Hongkong"),
    ("HM", "Heard Island and McDonald Islands", "Islas Heard y McDonald", "Îles Heard-et-MacDonald", "Heard und McDonaldinseln"),
    ("HN", "Honduras", "Honduras", "Honduras", "Honduras"),
    ("HR", "Croatia", "Croacia", "Croatie", "Kroatien"),
    ("HT", "Haiti", "Haití", "Haïti", "Haiti"),
    ("HU", "Hungary", "Hungría", "Hongrie", "Ungarn"),
    ("ID", "Indonesia", "Indonesia", "Indonésie", "Indonesien"),
    ("IE", "Ireland", "Irlanda", "Irlande", "Irland"),
    ("IL", "Israel", "Israel", "Israël", "Israel"),
    ("IM", "Isle of Man", "Isla de Man", "Île de Man", "Isle of Man"),
    ("IN", "India", "India", "Inde", "Indien"),
    ("IO", "British Indian Ocean Territory", "Territorio Británico del Océano Índico", "Territoire britannique de l’océan Indien", "Britisches Territorium im Indischen Ozean"),
    ("IQ", "Iraq", "Irak", "Irak", "Irak"),
    ("IR", "Iran", "Irán", "Iran", "Iran"),
    ("IS", "Iceland", "Islandia", "Islande", "Island"),
    ("IT", "Italy", "Italia", "Italie", "Italien"),
    ("JE", "Jersey", "Jersey", "Jersey", "Jersey"),
    ("JM", "Jamaica", "Jamaica", "Jamaïque", "Jamaika"),
    ("JO", "Jordan", "Jordania", "Jordanie", "Jordanien"),
    ("JP", "Japan", "Japón", "Japon", "Japan"),
    ("KE", "Kenya", "Kenia", "Kenya", "Kenia"),
    ("KG", "Kyrgyzstan", "Kirguistán", "Kirghizstan", "Kirgisistan"),
    ("KH", "Cambodia", "Camboya", "Cambodge", "Kambodscha"),
    ("KI", "Kiribati", "Kiribati", "Kiribati", "Kiribati"),
    ("KM", "Comoros", "Comoras", "Comores", "Komoren"),
    ("KN", "Saint Kitts and Nevis", "San Cristóbal y Nieves", "Saint-Christophe-et-Niévès", "St. Kitts und Nevis"),
    ("KP", "North Korea", "Corea del Norte", "Corée du Nord", "Nordkorea"),
    ("KR", "South Korea", "Corea del Sur", "Corée du Sud", "Südkorea"),
    ("KW", "Kuwait", "Kuwait", "Koweït", "Kuwait"),
    ("KY", "Cayman Islands", "Islas Caimán", "Îles Caïmans", "Kaimaninseln"),
    ("KZ", "Kazakhstan", "Kazajistán", "Kazakhstan", "Kasachstan"),
    ("LA", "Laos", "Laos", "Laos", "Laos"),
    ("LB", "Lebanon", "Líbano", "Liban", "Libanon"),
    ("LC", "Saint Lucia", "Santa Lucía", "Sainte-Lucie", "St. Lucia"),
    ("LI", "Liechtenstein", "Liechtenstein", "Liechtenstein", "Liechtenstein"),
    ("LK", "Sri Lanka", "Sri Lanka", "Sri Lanka", "Sri Lanka"),
    ("LR", "Liberia", "Liberia", "Liberia", "Liberia"),
    ("LS", "Lesotho", "Lesoto", "Lesotho", "Lesotho"),
    ("LT", "Lithuania", "Lituania", "Lituanie", "Litauen"),
    ("LU", "Luxembourg", "Luxemburgo", "Luxembourg", "Luxemburg"),
    ("LV", "Latvia", "Letonia", "Lettonie", "Lettland"),
    ("LY", "Libya", "Libia", "Libye", "Libyen"),
    ("MA", "Morocco", "Marruecos", "Maroc", "Marokko"),
    ("MC", "Monaco", "Mónaco", "Monaco", "Monaco"),
    ("MD", "Moldova", "Moldavia", "Moldavie", "Republik Moldau"),
    ("ME", "Montenegro", "Montenegro", "Monténégro", "Montenegro"),
    ("MF", "Saint Martin", "San Martín", "Saint-Martin", "St. Martin"),
    ("MG", "Madagascar", "Madagascar", "Madagascar", "Madagaskar"),
    ("MH", "Marshall Islands", "Islas Marshall", "Îles Marshall", "Marshallinseln"),
    ("MK", "North Macedonia", "Macedonia del Norte", "Macédoine du Nord", "Nordmazedonien"),
    ("ML", "Mali", "Mali", "Mali", "Mali"),
    ("MM", "Myanmar", "Myanmar (Birmania)", "Myanmar (Birmanie)", "Myanmar"),
    ("MN", "Mongolia", "Mongolia", "Mongolie", "Mongolei"),
    ("MO", "Macao", "Macao", "Macao", "Macau"),
    ("MP", "Northern Mariana Islands", "Islas Marianas del Norte", "Îles Mariannes du Nord", "Nördliche Marianen"),
    ("MQ", "Martinique", "Martinica", "Martinique", "Martinique"),
    ("MR", "Mauritania", "Mauritania", "Mauritanie", "Mauretanien"),
    ("MS", "Montserrat", "Montserrat", "Montserrat", "Montserrat"),
    ("MT", "Malta", "Malta", "Malte", "Malta"),
    ("MU", "Mauritius", "Mauricio", "Maurice", "Mauritius"),
    ("MV", "Maldives", "Maldivas", "Maldives", "Malediven"),
    ("MW", "Malawi", "Malaui", "Malawi", "Malawi"),
    ("MX", "Mexico", "México", "Mexique", "Mexiko"),
    ("MY", "Malaysia", "Malasia", "Malaisie", "Malaysia"),
    ("MZ", "Mozambique", "Mozambique", "Mozambique", "Mosambik"),
    ("NA", "Namibia", "Namibia", "Namibie", "Namibia"),
    ("NC", "New Caledonia", "Nueva Caledonia", "Nouvelle-Calédonie", "Neukaledonien"),
    ("NE", "Niger", "Níger", "Niger", "Niger"),
    ("NF", "Norfolk Island", "Isla Norfolk", "Île Norfolk", "Norfolkinsel"),
    ("NG", "Nigeria", "Nigeria", "Nigeria", "Nigeria"),
    ("NI", "Nicaragua", "Nicaragua", "Nicaragua", "Nicaragua"),
    ("NL", "Netherlands", "Países Bajos", "Pays-Bas", "Niederlande"),
    ("NO", "Norway", "Noruega", "Norvège", "Norwegen"),
    ("NP", "Nepal", "Nepal", "Népal", "Nepal"),
    ("NR", "Nauru", "Nauru", "Nauru", "Nauru"),
    ("NU", "Niue", "Niue", "Niue", "Niue"),
    ("NZ", "New Zealand", "Nueva Zelanda", "Nouvelle-Zélande", "Neuseeland"),
    ("OM", "Oman", "Omán", "Oman", "Oman"),
    ("PA", "Panama", "Panamá", "Panama", "Panama"),
    ("PE", "Peru", "Perú", "Pérou", "Peru"),
    ("PF", "French Polynesia", "Polinesia Francesa", "Polynésie française", "Französisch-Polynesien"),
    ("PG", "Papua New Guinea", "Papúa Nueva Guinea", "Papouasie-Nouvelle-Guinée", "Papua-Neuguinea"),
    ("PH", "Philippines", "Filipinas", "Philippines", "Philippinen"),
    ("PK", "Pakistan", "Pakistán", "Pakistan", "Pakistan"),
    ("PL", "Poland", "Polonia", "Pologne", "Polen"),
    ("PM", "Saint Pierre and Miquelon", "San Pedro y Miquelón", "Saint-Pierre-et-Miquelon", "St. Pierre und Miquelon"),
    ("PN", "Pitcairn Islands", "Islas Pitcairn", "Îles Pitcairn", "Pitcairninseln"),
    ("PR", "Puerto Rico", "Puerto Rico", "Porto Rico", "Puerto Rico"),
    ("PS", "Palestine", "Palestina", "Palestine", "Palästina"),
    ("PT", "Portugal", "Portugal", "Portugal", "Portugal"),
    ("PW", "Palau", "Palaos", "Palaos", "Palau"),
    ("PY", "Paraguay", "Paraguay", "Paraguay", "Paraguay"),
    ("QA", "Qatar", "Catar", "Qatar", "Katar"),
    ("RE", "Réunion", "Reunión", "La Réunion", "Réunion"),
    ("RO", "Romania", "Rumanía", "Roumanie", "Rumänien"),
    ("RS", "Serbia", "Serbia", "Serbie", "Serbien"),
    ("RU", "Russia", "Rusia", "Russie", "Russland"),
    ("RW", "Rwanda", "Ruanda", "Rwanda", "Ruanda"),
    ("SA", "Saudi Arabia", "Arabia Saudí", "Arabie saoudite", "Saudi-Arabien"),
    ("SB", "Solomon Islands", "Islas Salomón", "Îles Salomon", "Salomonen"),
    ("SC", "Seychelles", "Seychelles", "Seychelles", "Seychellen"),
    ("SD", "Sudan", "Sudán", "Soudan", "Sudan"),
    ("SE", "Sweden", "Suecia", "Suède", "Schweden"),
    ("SG", "Singapore", "Singapur", "Singapour", "Singapur"),
    ("SH", "Saint Helena", "Santa Elena", "Sainte-Hélène", "St. Helena"),
    ("SI", "Slovenia", "Eslovenia", "Slovénie", "Slowenien"),
    ("SJ", "Svalbard and Jan Mayen", "Svalbard y Jan Mayen", "Svalbard et Jan Mayen", "Spitzbergen und Jan Mayen"),
    ("SK", "Slovakia", "Eslovaquia", "Slovaquie", "Slowakei"),
    ("SL", "Sierra Leone", "Sierra Leona", "Sierra Leone", "Sierra Leone"),
    ("SM", "San Marino", "San Marino", "Saint-Marin", "San Marino"),
    ("SN", "Senegal", "Senegal", "Sénégal", "Senegal"),
    ("SO", "Somalia", "Somalia", "Somalie", "Somalia"),
    ("SR", "Suriname", "Surinam", "Suriname", "Suriname"),
    ("SS", "South Sudan", "Sudán del Sur", "Soudan du Sud", "Südsudan"),
    ("ST", "São Tomé and Príncipe", "Santo Tomé y Príncipe", "Sao Tomé-et-Principe", "São Tomé und Príncipe"),
    ("SV", "El Salvador", "El Salvador", "Salvador", "El Salvador"),
    ("SX", "Sint Maarten", "Sint Maarten", "Saint-Martin (partie néerlandaise)", "Sint Maarten"),
    ("SY", "Syria", "Siria", "Syrie", "Syrien"),
    ("SZ", "Eswatini", "Esuatini", "Eswatini", "Eswatini"),
    ("TC", "Turks and Caicos Islands", "Islas Turcas y Caicos", "Îles Turques-et-Caïques", "Turks- und Caicosinseln"),
    ("TD", "Chad", "Chad", "Tchad", "Tschad"),
    ("TF", "French Southern Territories", "Territorios Australes Franceses", "Terres australes françaises", "Französische Süd- und Antarktisgebiete"),
    ("TG", "Togo", "Togo", "Togo", "Togo"),
    ("TH", "Thailand", "Tailandia", "Thaïlande", "Thailand"),
    ("TJ", "Tajikistan", "Tayikistán", "Tadjikistan", "Tadschikistan"),
    ("TK", "Tokelau", "Tokelau", "Tokelau", "Tokelau"),
    ("TL", "Timor-Leste", "Timor-Leste", "Timor oriental", "Timor-Leste"),
    ("TM", "Turkmenistan", "Turkmenistán", "Turkménistan", "Turkmenistan"),
    ("TN", "Tunisia", "Túnez", "Tunisie", "Tunesien"),
    ("TO", "Tonga", "Tonga", "Tonga", "Tonga"),
    ("TR", "Türkiye", "Turquía", "Turquie", "Türkei"),
    ("TT", "Trinidad and Tobago", "Trinidad y Tobago", "Trinité-et-Tobago", "Trinidad und Tobago"),
    ("TV", "Tuvalu", "Tuvalu", "Tuvalu", "Tuvalu"),
    ("TW", "Taiwan", "Taiwán", "Taïwan", "Taiwan"),
    ("TZ", "Tanzania", "Tanzania", "Tanzanie", "Tansania"),
    ("UA", "Ukraine", "Ucrania", "Ukraine", "Ukraine"),
    ("UG", "Uganda", "Uganda", "Ouganda", "Uganda"),
    ("UM", "U.S. Outlying Islands", "Islas menores alejadas de EE. UU.", "Îles mineures éloignées des États-Unis", "Amerikanische Überseeinseln"),
    ("US", "United States", "Estados Unidos", "États-Unis", "Vereinigte Staaten"),
    ("UY", "Uruguay", "Uruguay", "Uruguay", "Uruguay"),
    ("UZ", "Uzbekistan", "Uzbekistán", "Ouzbékistan", "Usbekistan"),
    ("VA", "Vatican City", "Ciudad del Vaticano", "État de la Cité du Vatican", "Vatikanstadt"),
    ("VC", "Saint Vincent and the Grenadines", "San Vicente y las Granadinas", "Saint-Vincent-et-les Grenadines", "St. Vincent und die Grenadinen"),
    ("VE", "Venezuela", "Venezuela", "Venezuela", "Venezuela"),
    ("VG", "British Virgin Islands", "Islas Vírgenes Británicas", "Îles Vierges britanniques", "Britische Jungferninseln"),
    ("VI", "U.S. Virgin Islands", "Islas Vírgenes de EE. UU.", "Îles Vierges des États-Unis", "Amerikanische Jungferninseln"),
    ("VN", "Vietnam", "Vietnam", "Viêt Nam", "Vietnam"),
    ("VU", "Vanuatu", "Vanuatu", "Vanuatu", "Vanuatu"),
    ("WF", "Wallis and Futuna", "Wallis y Futuna", "Wallis-et-Futuna", "Wallis und Futuna"),
    ("WS", "Samoa", "Samoa", "Samoa", "Samoa"),
    ("XK", "Kosovo", "Kosovo", "Kosovo", "Kosovo"),
    ("YE", "Yemen", "Yemen", "Yémen", "Jemen"),
    ("YT", "Mayotte", "Mayotte", "Mayotte", "Mayotte"),
    ("ZA", "South Africa", "Sudáfrica", "Afrique du Sud", "Südafrika"),
    ("ZM", "Zambia", "Zambia", "Zambie", "Sambia"),
    ("ZW", "Zimbabwe", "Zimbabue", "Zimbabwe", "Simbabwe"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_table_is_sorted_and_complete() {
        assert!(
            COUNTRY_NAMES.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted for binary search"
        );
        assert_eq!(COUNTRY_NAMES.len(), 250, "249 ISO 3166-1 codes + XK");
        assert_eq!(country_name("es"), Some("Spain"));
        assert_eq!(country_name("GB"), Some("United Kingdom"));
        assert_eq!(country_name("ZZ"), None);
        assert_eq!(country_name("ñ"), None);
        assert_eq!(localized_country_name("gb", "es"), Some("Reino Unido"));
        assert_eq!(
            localized_country_name("GB", "de-AT"),
            Some("Vereinigtes Königreich")
        );
        assert_eq!(localized_country_name("ES", "fr"), Some("Espagne"));
        assert_eq!(localized_country_name("ES", "en"), None);
        assert_eq!(localized_country_name("ES", "ja"), None);
        assert_eq!(localized_country_name("ZZ", "es"), None);
    }
}
