#!/usr/bin/env python3
"""Fills translations/onair_nl.ts from the Dutch phrase book below (run after lupdate).
Exits 1 and names the strings that have no Dutch yet, so a new English string cannot slip
through untranslated."""
import re
import sys
import html

NL = {
    "%1: cannot use its sample rate (%2)": "%1: de samplefrequentie is niet bruikbaar (%2)",
    "No certificate for secure connections:\n%1": "Geen certificaat voor beveiligde verbindingen:\n%1",
    "Secure connections (HTTPS) with a certificate made for this computer":
        "Beveiligde verbindingen (HTTPS) met een certificaat dat voor deze computer is gemaakt",
    "Browsers on other machines need HTTPS for the microphone and the Opus decoder. They warn once about a self-signed certificate: compare its fingerprint with the one shown here.":
        "Browsers op andere computers hebben HTTPS nodig voor de microfoon en de Opus-decoder. Ze waarschuwen één keer voor een zelfondertekend certificaat: vergelijk de vingerafdruk met die hier.",
    "Make a new certificate": "Nieuw certificaat maken",
    "For example after this computer got a new address on the network.":
        "Bijvoorbeeld nadat deze computer een nieuw adres op het netwerk heeft gekregen.",
    "Not in use now.": "Nu niet in gebruik.",
    "In use, SHA-256 fingerprint:\n%1": "In gebruik, SHA-256-vingerafdruk:\n%1",
    "Certificate": "Certificaat",
    "No certificate could be made: %1": "Er kon geen certificaat worden gemaakt: %1",
    "New certificate (used at the next start), SHA-256 fingerprint:\n%1":
        "Nieuw certificaat (gebruikt bij de volgende start), SHA-256-vingerafdruk:\n%1",
    "Opus (recommended)": "Opus (aanbevolen)",
    "PCM (uncompressed, 768 kb/s per listener)": "PCM (ongecomprimeerd, 768 kb/s per luisteraar)",
    "%1 kb/s (speech)": "%1 kb/s (spraak)",
    "%1 kb/s": "%1 kb/s",
    "20 ms": "20 ms",
    "10 ms (lower delay, more bandwidth)": "10 ms (minder vertraging, meer bandbreedte)",
    "Audio (applied when you next go on air)": "Audio (geldt vanaf de volgende keer dat je uitzendt)",
    "Codec": "Codec",
    "Bitrate": "Bitrate",
    "Frame length": "Framelengte",
    'OnAir': 'OnAir',
    'The broadcast server could not start:\n%1': 'De uitzendserver kon niet starten:\n%1',
    'tone frequency must be 20-20000 Hz': 'de toonfrequentie moet tussen 20 en 20000 Hz liggen',
    "no input device matches '%1'": "geen invoerapparaat komt overeen met '%1'",
    "unknown source '%1' (use mic, mic:NAME, tone, tone:HZ or file:PATH)":
        "onbekende bron '%1' (gebruik mic, mic:NAAM, tone, tone:HZ of file:PAD)",
    'Input level': 'Invoerniveau',
    'Peak %1 dBFS, RMS %2 dBFS': 'Piek %1 dBFS, RMS %2 dBFS',
    'silence': 'stilte',
    '%1 dBFS': '%1 dBFS',
    'Address': 'Adres',
    'Connected since': 'Verbonden sinds',
    'Backlog': 'Achterstand',
    'Drops': 'Gemist', # a column header: short (the tooltip says it whole)
    'Connection': 'Verbinding',
    'OnAir control room': 'OnAir regiekamer',
    'Live streams': 'Live streams',
    'Kick': 'Verwijderen',
    "Close the selected listener's connection": 'Verbreek de verbinding van de geselecteerde luisteraar',
    'Streams': 'Streams',
    'Listeners of the selected stream': 'Luisteraars van de geselecteerde stream',
    'Filter the log (e.g. onair.ws, refused, main)': 'Filter het logboek (bijv. onair.ws, refused, main)',
    'Log': 'Logboek',
    'removed by the operator': 'verwijderd door de operator',
    'Listener %1 was disconnected.': 'Luisteraar %1 is losgekoppeld.',
    'ON AIR': 'IN DE LUCHT',
    'Go on air': 'Ga de lucht in',
    'On air on stream %1.': 'In de lucht op stream %1.',
    'Off air.': 'Uit de lucht.',
    'Speak': 'Spreken',
    'Go on air / off air (Ctrl+Space)': 'De lucht in / uit de lucht (Ctrl+Spatie)',
    'stream name': 'naam van de stream',
    'Stream name': 'Naam van de stream',
    'Audio source': 'Geluidsbron',
    'Mute': 'Dempen',
    'Monitor selected stream': 'Geselecteerde stream meeluisteren',
    'Monitor volume': 'Volume meeluisteren',
    'Stream': 'Stream',
    'Source': 'Bron',
    'Choose a WAV file': 'Kies een WAV-bestand',
    'WAV files (*.wav)': 'WAV-bestanden (*.wav)',
    'Banner': 'Mededeling',
    'Text every listener sees, e.g. "Session B starts in 5 minutes"':
        'Tekst die elke luisteraar ziet, bijv. "Sessie B begint over 5 minuten"',
    'Banner text': 'Tekst van de mededeling',
    'Info': 'Info',
    'Warning': 'Waarschuwing',
    'Alert': 'Alarm',
    'Send': 'Versturen',
    'Send the banner to every listener (Ctrl+Return)': 'Verstuur de mededeling naar elke luisteraar (Ctrl+Enter)',
    'Clear': 'Wissen',
    'No banner is showing.': 'Er wordt geen mededeling getoond.',
    'The banner could not be cleared: %1': 'De mededeling kon niet worden gewist: %1',
    'Health': 'Status',
    'Listen at': 'Luisteren via',
    'Up for': 'Actief sinds',
    'Connections': 'Verbindingen',
    'Messages/s': 'Berichten/s',
    'Fan-out p99': 'Verspreiding p99',
    'Components': 'Onderdelen',
    'Share': 'Delen',
    'QR code of the listener link': 'QR-code van de luisterlink',
    'Copy link': 'Link kopiëren',
    'Listeners scan the code or open the link:': 'Luisteraars scannen de code of openen de link:',
    'Link copied.': 'Link gekopieerd.',
    'Microphone: %1': 'Microfoon: %1',
    'No microphone found': 'Geen microfoon gevonden',
    'Test tone (440 Hz)': 'Testtoon (440 Hz)',
    'WAV file…': 'WAV-bestand…',
    'File: %1': 'Bestand: %1',
    'No microphone found: use the test tone or a WAV file, or connect a microphone.':
        'Geen microfoon gevonden: gebruik de testtoon of een WAV-bestand, of sluit een microfoon aan.',
    'Stream name: %1': 'Naam van de stream: %1',
    'Choose an audio source first.': 'Kies eerst een geluidsbron.',
    '≤ %1 ms': '≤ %1 ms',
    '%1 engine &nbsp; %2 store &nbsp; %3 capacity': '%1 server &nbsp; %2 opslag &nbsp; %3 capaciteit',
    '%1 cluster': '%1 cluster',
    'Redis unreachable (%1): serving this machine\'s listeners only; reconnecting':
        'Redis onbereikbaar (%1): alleen de luisteraars van deze machine worden bediend; opnieuw verbinden',
    '%1/%2': '%1/%2',
    'The banner was not sent: %1': 'De mededeling is niet verstuurd: %1',
    'Banner sent.': 'Mededeling verstuurd.',
    'Dismissed by: %1': 'Weggeklikt door: %1',
    'Identity': 'Identiteit',
    'Listeners of %1 (first %2 of %3)': 'Luisteraars van %1 (eerste %2 van %3)',
    '&OnAir': '&OnAir',
    '&Settings…': '&Instellingen…',
    '&Quit': '&Afsluiten',
    'Settings': 'Instellingen',
    'Listen on the network (phones and other computers can join; applies at once)':
        'Luisteren op het netwerk (telefoons en andere computers kunnen meedoen; geldt meteen)',
    'Applies at once, like "Open to the local network" in the Share panel; listeners already connected stay.':
        'Geldt meteen, net als "Openen voor het lokale netwerk" in het paneel Delen; luisteraars die al verbonden zijn, blijven.',
    'The network setting could not be applied: %1': 'De netwerkinstelling kon niet worden toegepast: %1',
    # The Share panel
    'Open to the local network': 'Openen voor het lokale netwerk',
    'Phones and other computers on this network can then listen. Applies at once.':
        'Telefoons en andere computers op dit netwerk kunnen dan luisteren. Geldt meteen.',
    'This computer only': 'Alleen deze computer',
    'New listeners can then only connect from this computer; those already listening stay.':
        'Nieuwe luisteraars kunnen dan alleen vanaf deze computer verbinden; wie al luistert, blijft.',
    'Phones and other computers on this network can listen.': 'Telefoons en andere computers op dit netwerk kunnen luisteren.',
    'Address in the link': 'Adres in de link',
    'This computer has several network addresses: choose the one of the network the listeners are on.':
        'Deze computer heeft meerdere netwerkadressen: kies dat van het netwerk waarop de luisteraars zitten.',
    'Any phone': 'Elke telefoon',
    'Plain link (http): opens on every phone, without a warning. The QR code opens the link chosen here.':
        'Gewone link (http): opent op elke telefoon, zonder waarschuwing. De QR-code opent de link die hier gekozen is.',
    'HTTPS': 'HTTPS',
    'Secure link: phones show a certificate warning first. The QR code opens the link chosen here.':
        'Beveiligde link: telefoons tonen eerst een certificaatwaarschuwing. De QR-code opent de link die hier gekozen is.',
    'Listener link': 'Luisterlink',
    'Secure listener link (HTTPS)': 'Beveiligde luisterlink (HTTPS)',
    'Could not open listening to the local network: %1': 'Luisteren kon niet worden opengesteld voor het lokale netwerk: %1',
    'Could not limit listening to this computer: %1': 'Luisteren kon niet worden beperkt tot deze computer: %1',
    'Phones and other computers on this network can listen now.':
        'Telefoons en andere computers op dit netwerk kunnen nu luisteren.',
    'Only this computer can listen now. Listeners already connected stay.':
        'Alleen deze computer kan nu luisteren. Luisteraars die al verbonden zijn, blijven.',
    'Only this computer can listen. Phones and other computers cannot reach it yet.':
        'Alleen deze computer kan luisteren. Telefoons en andere computers kunnen hem nog niet bereiken.',
    'No network connection found. Connect this computer to the network the listeners are on (Wi-Fi or cable); the link appears here.':
        'Geen netwerkverbinding gevonden. Verbind deze computer met het netwerk waarop de luisteraars zitten (wifi of kabel); de link verschijnt dan hier.',
    'HTTPS: phones warn first. Certificate SHA-256:\n%1': 'HTTPS: telefoons waarschuwen eerst. SHA-256 van het certificaat:\n%1',
    'Other apps (VLC, radio apps): %1': 'Andere apps (VLC, radio-apps): %1',
    # The listeners table: how each one listens
    'Via': 'Via',
    '%1 on %2': '%1 op %2',
    '%1 player': '%1-speler',
    '%1 · %2': '%1 · %2',
    'Web page': 'Webpagina',
    'Only a virtual or VPN network was found: phones reach this link only through it.':
        'Alleen een virtueel of VPN-netwerk gevonden: telefoons bereiken deze link alleen daarlangs.',
    'Server (applied at the next start)': 'Server (geldt vanaf de volgende start)',
    'Port': 'Poort',
    'Listeners per stream': 'Luisteraars per stream',
    'Connections in total': 'Verbindingen in totaal',
    'Speaker token': 'Sprekerstoken',
    'A second presenter speaks from a browser or another OnAir with this token (valid 8 hours).':
        'Een tweede presentator spreekt met dit token vanuit een browser of een andere OnAir (8 uur geldig).',
    'Stream for the token': 'Stream voor het token',
    'Mint token': 'Token aanmaken',
    'Copy token': 'Token kopiëren',
    'Fan-out p99 (all)': 'Verspreiding p99 (alles)',
    'No microphone found. Connect one, or use the test tone.': 'Geen microfoon gevonden. Sluit er een aan of gebruik de testtoon.',
    '%1 cannot record 48 kHz mono 16-bit audio.': '%1 kan geen 48 kHz mono 16-bit geluid opnemen.',
    'The microphone stopped (%1).': 'De microfoon is gestopt (%1).',
    'Could not open %1.': 'Kon %1 niet openen.',
    'No audio output device to monitor on.': 'Geen geluidsuitvoer om op mee te luisteren.',
    'Speaker': 'Spreker',
    'Listeners': 'Luisteraars',
    'Frames/s in': 'Frames/s in',
    'Out': 'Uit',
    'Listeners (last minute)': 'Luisteraars (laatste minuut)',
    'none': 'geen',
    '/s': '/s',
    'Test tone %1 Hz': 'Testtoon %1 Hz',
    'File %1': 'Bestand %1',
    'cannot open %1: %2': 'kan %1 niet openen: %2',
    '%1 is not a WAV file': '%1 is geen WAV-bestand',
    '%1: only 16-bit PCM mono or stereo WAV is supported': '%1: alleen 16-bit PCM mono of stereo WAV wordt ondersteund',
    '%1 is %2 Hz; OnAir streams 48000 Hz (convert it, e.g. sox in.wav -r 48000 out.wav)':
        '%1 is %2 Hz; OnAir zendt 48000 Hz uit (zet het om, bijv. sox in.wav -r 48000 out.wav)',
    '%1 has no audio': '%1 bevat geen geluid',
    # Live interpretation (ui/interpretationpanel.cpp)
    'the broadcast server is not running': 'de uitzendserver draait niet',
    'English': 'Engels', 'Spanish': 'Spaans', 'French': 'Frans', 'German': 'Duits', 'Dutch': 'Nederlands',
    'Italian': 'Italiaans', 'Portuguese': 'Portugees', 'Catalan': 'Catalaans', 'Galician': 'Galicisch',
    'Esperanto': 'Esperanto', 'Basque': 'Baskisch', 'Occitan': 'Occitaans', 'Romanian': 'Roemeens',
    'Swedish': 'Zweeds', 'Danish': 'Deens', 'Welsh': 'Welsh',
    'Speech to text': 'Spraak naar tekst',
    'Translation': 'Vertaling',
    'Text to speech': 'Tekst naar spraak',
    'Interpretation': 'Tolken',
    'Interpreted stream': 'Getolkte stream',
    'Spoken language': 'Gesproken taal',
    'The language the speaker speaks (what the speech recogniser listens for)':
        'De taal die de spreker spreekt (waar de spraakherkenning naar luistert)',
    'Translate into': 'Vertalen naar',
    'Translate into:': 'Vertalen naar:',
    'Translate into %1': 'Vertalen naar %1',
    'Off': 'Uit',
    'Interpretation off': 'Tolken uit',
    'Stop interpreting this stream': 'Stop met het tolken van deze stream',
    'S&tream': 'S&tream',
    '&Spoken in': '&Gesproken in',
    'Live captions': 'Live ondertiteling',
    'Each utterance as recognised, followed by its translations (indented, in blue)':
        'Elke uiting zoals herkend, gevolgd door de vertalingen (ingesprongen, in blauw)',
    'Channel': 'Kanaal',
    'Language': 'Taal',
    'Mode': 'Modus',
    'Dropped': 'Overgeslagen',
    'Reason': 'Reden',
    'Translated channels': 'Vertaalde kanalen',
    'Stage': 'Stap',
    'Engine': 'Programma',
    'Calls': 'Aanroepen',
    'Last error': 'Laatste fout',
    'Interpretation stages': 'Tolkstappen',
    'Live interpretation is not available: this OnAir was built without speech recognition, translation and speech synthesis (pocketsphinx, Apertium, espeak-ng).':
        'Live tolken is niet beschikbaar: deze OnAir is gebouwd zonder spraakherkenning, vertaling en spraaksynthese (pocketsphinx, Apertium, espeak-ng).',
    'Live interpretation is not available: no speech recognition model is installed (e.g. the pocketsphinx-en-us package).':
        'Live tolken is niet beschikbaar: er is geen model voor spraakherkenning geïnstalleerd (bijv. het pakket pocketsphinx-en-us).',
    '%1 (on air)': '%1 (in de lucht)',
    '%1, not installed': '%1, niet geïnstalleerd',
    'no translation from %1 is installed (e.g. the apertium-eng-spa package)':
        'er is geen vertaling vanuit %1 geïnstalleerd (bijv. het pakket apertium-eng-spa)',
    'The interpretation of %1 was not changed: %2': 'Het tolken van %1 is niet gewijzigd: %2',
    'Interpretation of %1 is off.': 'Tolken van %1 staat uit.',
    'Interpreting %1 from %2 into %3.': '%1 wordt getolkt van %2 naar %3.',
    'translated speech': 'vertaalde spraak',
    'captions only': 'alleen ondertiteling',
    'original audio': 'origineel geluid',
    'unavailable': 'niet beschikbaar',
    'idle': 'inactief',
    'Choose a stream: the one you speak on, or one selected in the streams table.':
        'Kies een stream: die waarop je spreekt, of een die in de streamtabel is geselecteerd.',
    '%1 is not interpreted. Tick a language to translate into.':
        '%1 wordt niet getolkt. Vink een taal aan om naar te vertalen.',
    '%1 from %2 into %3': '%1 van %2 naar %3',
    'Interpretation of %1 starts when its speaker goes on air on this computer.':
        'Het tolken van %1 begint zodra de spreker op deze computer de lucht in gaat.',
    'Interpreting %1. Utterances so far: %2.': 'Bezig met tolken van %1. Uitingen tot nu toe: %2.',
    'Degraded: %1 (see the reason below).': 'Beperkt: %1 (zie de reden hieronder).',
    'Translation into %1: %2': 'Vertaling naar %1: %2',
    'Original, %1: %2': 'Origineel, %1: %2',
    'Delay p50 / p99 (ms)': 'Vertraging p50 / p99 (ms)',
    'State (breaker)': 'Toestand (zekering)',
    'Latency p50 / p99 (ms)': 'Vertraging p50 / p99 (ms)',
    'Failures / timeouts': 'Fouten / time-outs',
    'Translated channels and stages': 'Vertaalde kanalen en stappen',
    'working': 'werkt',
    'Circuit breaker closed: calls go through.': 'Zekering dicht: aanroepen gaan door.',
    'trying again': 'probeert opnieuw',
    'Circuit breaker half-open: one trial call after the pause.': 'Zekering half open: één proefaanroep na de pauze.',
    'failing, paused': 'faalt, gepauzeerd',
    'Circuit breaker open: calls are skipped until the pause ends.': 'Zekering open: aanroepen worden overgeslagen tot de pauze voorbij is.',
    'interpreter (from %1)': 'tolk (van %1)',
    'Log filter': 'Logboekfilter',
    # issue 19: are they hearing me?
    'this computer': 'deze computer',
    'Mouth-to-ear delay the playing listeners report: median / worst': 'Vertraging van mond tot oor die de spelende luisteraars melden: mediaan / slechtste',
    "What the listener's page reports: playing, buffering, waiting for a tap, reconnecting; a player plays while it reads":
        'Wat de pagina van de luisteraar meldt: speelt af, buffert, wacht op een tik, verbindt opnieuw; een speler speelt zolang hij leest',
    "Mouth-to-ear delay the listener's page reports": 'Vertraging van mond tot oor die de pagina van de luisteraar meldt',
    'Phone, tablet, computer or media player, from its User-Agent': 'Telefoon, tablet, computer of mediaspeler, volgens de User-Agent',
    'Save…': 'Opslaan…',
    'Stream warnings': 'Waarschuwingen bij streams',
    'Hearing': 'Hoort het',
    'Delay (median / worst)': 'Vertraging (mediaan / slechtste)',
    'nobody': 'niemand',
    '%1 / %2 ms': '%1 / %2 ms',
    "What the listeners' pages report playing; players such as VLC count as hearing while they read.":
        'Wat de pagina\'s van de luisteraars melden af te spelen; spelers zoals VLC tellen als horend zolang ze lezen.',
    '1 hears you': '1 hoort je',
    '%1 hear you': '%1 horen je',
    '%1 buffering': '%1 bufferen',
    '%1 tap-to-play': '%1 tik nodig',
    '%1 reconnecting': '%1 verbinden opnieuw',
    '%1 not reporting': '%1 melden niets',
    '%1: on air, but nobody has heard it for %2 s': '%1: in de lucht, maar al %2 s hoort niemand het',
    '%1: on air, but the input has been silent for %2 s': '%1: in de lucht, maar de invoer is al %2 s stil',
    'Hears': 'Hoort',
    'Delay': 'Vertraging',
    'Device': 'Apparaat',
    'Playing': 'Speelt af',
    'Buffering': 'Buffert',
    'Tap to play': 'Moet nog tikken',
    'Reconnecting': 'Verbindt opnieuw',
    'Not reporting': 'Meldt niets',
    '%1 (background)': '%1 (op de achtergrond)',
    'Phone': 'Telefoon',
    'Tablet': 'Tablet',
    'Computer': 'Computer',
    'Media player': 'Mediaspeler',
    'Decoder: %1; underruns: %2': 'Decoder: %1; haperingen: %2',
    '%1 ms': '%1 ms',
    # issue 19: the voice processing and the level meter
    'Level on air': 'Niveau in de uitzending',
    'GR %1 dB': 'GR %1 dB',
    'CLIP': 'CLIP',
    'Level on air (after voice processing): peak %1 dBFS, RMS %2 dBFS, gain reduction %3 dB%4':
        'Niveau in de uitzending (na spraakbewerking): piek %1 dBFS, RMS %2 dBFS, versterkingsreductie %3 dB%4',
    '; the input clipped': '; de invoer was overstuurd',
    'Audio': 'Audio',
    'The codec, bitrate and frame length apply when you next go on air.':
        'Codec, bitrate en framelengte gelden vanaf de volgende keer dat je uitzendt.',
    'Voice processing': 'Spraakbewerking',
    'High-pass filter': 'Hoogdoorlaatfilter',
    'Removes rumble and hum below about 80 Hz.': 'Verwijdert gerommel en brom onder ongeveer 80 Hz.',
    'Noise suppression': 'Ruisonderdrukking',
    'Lowers steady background noise (fans, air conditioning) between and under the words.':
        'Dempt constant achtergrondgeluid (ventilatoren, airco) tussen en onder de woorden.',
    'Automatic gain': 'Automatische versterking',
    'Brings quiet and loud speakers to an even level.': 'Brengt zachte en luide sprekers op een gelijk niveau.',
    'Limiter': 'Limiter',
    'Keeps every peak at or below -1 dBFS, so speech never clips on air.':
        'Houdt elke piek op of onder -1 dBFS, zodat spraak in de uitzending nooit overstuurd raakt.',
    'For microphones, not for the test tone or files; applies at once, also on air.':
        'Voor microfoons, niet voor de testtoon of bestanden; geldt meteen, ook tijdens de uitzending.',
    # issue 19: a window that fits, said in words
    '● ON AIR — %1': '● IN DE LUCHT — %1',
    '● ON AIR — %1 — OnAir control room': '● IN DE LUCHT — %1 — OnAir regiekamer',
    'On air on stream %1': 'In de lucht op stream %1',
    'Off air': 'Uit de lucht',
    'Press to go off air (Ctrl+Space).': 'Druk om uit de lucht te gaan (Ctrl+Spatie).',
    'Press to go on air (Ctrl+Space).': 'Druk om de lucht in te gaan (Ctrl+Spatie).',
    'Listeners hear silence while this is checked; you stay on air.':
        'Luisteraars horen stilte zolang dit aangevinkt is; je blijft in de lucht.',
    "Play the selected stream on this computer's speakers.":
        'Speel de geselecteerde stream af op de luidsprekers van deze computer.',
    'Banner type': 'Soort mededeling',
    'Banner and sharing': 'Mededeling en delen',
    'Log and interpretation': 'Logboek en tolken',
    'this computer only: %1': 'alleen deze computer: %1',
    "The stream's name: listeners open /listen/<name>": 'De naam van de stream: luisteraars openen /listen/<naam>',
    'Who speaks on the stream: their address, or this computer': 'Wie op de stream spreekt: het adres, of deze computer',
    'Listeners connected now': 'Luisteraars die nu verbonden zijn',
    'Audio frames a second from the speaker': 'Audioframes per seconde van de spreker',
    'Bytes a second sent to all listeners together': 'Bytes per seconde naar alle luisteraars samen',
    'Frames dropped for listeners that could not keep up': 'Frames overgeslagen voor luisteraars die het niet bijhielden',
    "Time from a frame's arrival to its sending, for 99 % of frames":
        'Tijd van de aankomst van een frame tot het versturen, voor 99 % van de frames',
    'Listeners over the last minute': 'Luisteraars in de laatste minuut',
    'Last minute': 'Laatste minuut',
    "The listener's network address and port": 'Het netwerkadres en de poort van de luisteraar',
    'The web page, or a standard player (MP3 or Ogg stream) and its app':
        'De webpagina, of een gewone speler (MP3- of Ogg-stream) en de app',
    "Who the listener's token names, else how they connected":
        'Wie het token van de luisteraar noemt, anders hoe die verbonden is',
    "Connected since (this computer's clock)": 'Verbonden sinds (klok van deze computer)',
    'Since': 'Sinds',
    'Audio waiting to be sent to this listener': 'Audio die nog naar deze luisteraar moet',
    'Frames this listener missed because it could not keep up':
        'Frames die deze luisteraar miste omdat die het niet bijhield',
    "The connection's number, as in the log": 'Het nummer van de verbinding, zoals in het logboek',
    'Banner type': 'Soort mededeling',
    'Banner expiry': 'Verloop van de mededeling',
    'No expiry': 'Verloopt niet',
    '%1 min': '%1 min',
    'Schedule for': 'Inplannen voor',
    'Schedule the banner': 'De mededeling inplannen',
    'Banner start time': 'Begintijd van de mededeling',
    'Clear the banner': 'De mededeling wissen',
    'Banner templates': 'Sjablonen voor mededelingen',
    'Save as template': 'Opslaan als sjabloon',
    'Delete template': 'Sjabloon verwijderen',
    'Templates': 'Sjablonen',
    'Template name:': 'Naam van het sjabloon:',
    'Template "%1" saved.': 'Sjabloon "%1" opgeslagen.',
    'Template "%1" deleted.': 'Sjabloon "%1" verwijderd.',
    'Banner receipts': 'Ontvangst van de mededeling',
    'Alert again': 'Opnieuw waarschuwen',
    'Show the banner again, prominently, to the listeners who have not dismissed it': 'Toon de mededeling opnieuw, opvallend, aan de luisteraars die haar niet hebben weggeklikt',
    'Details': 'Details',
    'Show who has not dismissed it and the scheduled banners': 'Toon wie haar niet heeft weggeklikt en de ingeplande mededelingen',
    'Banner sent again to the listeners who have not dismissed it.': 'Mededeling opnieuw verstuurd naar de luisteraars die haar niet hebben weggeklikt.',
    'This banner is no longer showing.': 'Deze mededeling wordt niet meer getoond.',
    'Listeners who have not dismissed the banner': 'Luisteraars die de mededeling niet hebben weggeklikt',
    'Not dismissed:': 'Niet weggeklikt:',
    'Scheduled banners': 'Ingeplande mededelingen',
    'Cancel scheduled banner': 'Ingeplande mededeling annuleren',
    'Scheduled:': 'Ingepland:',
    '%1 (until %2)': '%1 (tot %2)',
    'Delivered %1 · seen %2 · dismissed %3': 'Afgeleverd %1 · gezien %2 · weggeklikt %3',
    '+%1 more': '+%1 meer',
    '%1 — %2': '%1 — %2',
    'Scheduled banner cancelled.': 'Ingeplande mededeling geannuleerd.',
    'The banner could not be cancelled: %1': 'De mededeling kon niet worden geannuleerd: %1',
    'Banner scheduled for %1.': 'Mededeling ingepland voor %1.',
    'it is no longer scheduled': 'ze is niet meer ingepland',
}
PLURALS = {
    'Joined through Redis: %n replica(s) in the cluster': ['Verbonden via Redis: %n replica in het cluster', 'Verbonden via Redis: %n replica\'s in het cluster'],}

path = sys.argv[1] if len(sys.argv) > 1 else 'translations/onair_nl.ts'
ts = open(path, encoding='utf-8').read()
missing = []

def fill(m):
    block = m.group(0)
    src = html.unescape(re.search(r'<source>(.*?)</source>', block, re.S).group(1))
    esc = lambda s: html.escape(s, quote=False).replace("'", '&apos;').replace('"', '&quot;')
    if 'numerus="yes"' in block:
        if src not in PLURALS:
            missing.append(src)
            return block
        forms = ''.join('\n            <numerusform>%s</numerusform>' % esc(f) for f in PLURALS[src])
        new = '<translation>%s\n        </translation>' % forms
    else:
        if src not in NL:
            missing.append(src)
            return block
        new = '<translation>%s</translation>' % esc(NL[src])
    return re.sub(r'<translation[^>]*>.*?</translation>|<translation[^>]*/>', lambda _: new, block, flags=re.S)

ts = re.sub(r'<message[^>]*>.*?</message>', fill, ts, flags=re.S)
open(path, 'w', encoding='utf-8').write(ts)
if missing:
    print('no Dutch for:', *missing, sep='\n  ')
    sys.exit(1)
