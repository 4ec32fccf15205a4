<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="nl_NL">
<context>
    <name>QObject</name>
    <message>
        <source>OnAir</source>
        <translation>OnAir</translation>
    </message>
    <message>
        <source>The broadcast server could not start:
%1</source>
        <translation>De uitzendserver kon niet starten:
%1</translation>
    </message>
    <message>
        <source>No certificate for secure connections:
%1</source>
        <translation>Geen certificaat voor beveiligde verbindingen:
%1</translation>
    </message>
</context>
<context>
    <name>onair::ArchiveModel</name>
    <message>
        <source>The stream recorded</source>
        <translation>De opgenomen stream</translation>
    </message>
    <message>
        <source>When the recording started (this computer&apos;s clock)</source>
        <translation>Wanneer de opname begon (klok van deze computer)</translation>
    </message>
    <message>
        <source>How long the recording is</source>
        <translation>Hoe lang de opname is</translation>
    </message>
    <message>
        <source>The size of the audio file</source>
        <translation>De grootte van het audiobestand</translation>
    </message>
    <message>
        <source>Recording, finished, interrupted (the program stopped) or failed, and why</source>
        <translation>Neemt op, klaar, onderbroken (het programma stopte) of mislukt, en waarom</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Begin</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duur</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Grootte</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>recording</source>
        <translation>neemt op</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>klaar</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>onderbroken</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>mislukt</translation>
    </message>
    <message>
        <source>%1 (continued in the next file)</source>
        <translation>%1 (vervolgd in het volgende bestand)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>onair::ArchivePanel</name>
    <message>
        <source>Recordings</source>
        <translation>Opnamen</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Afspelen</translation>
    </message>
    <message>
        <source>Play the selected recording on this computer&apos;s speakers</source>
        <translation>Speel de geselecteerde opname af op de luidsprekers van deze computer</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>Stop playing</source>
        <translation>Stop met afspelen</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Map openen</translation>
    </message>
    <message>
        <source>Show the selected recording&apos;s files (audio and timeline) in the file manager</source>
        <translation>Toon de bestanden van de geselecteerde opname (audio en tijdlijn) in de bestandsbeheerder</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Verwijderen…</translation>
    </message>
    <message>
        <source>Delete the selected recording&apos;s files and its entry</source>
        <translation>Verwijder de bestanden en de vermelding van de geselecteerde opname</translation>
    </message>
    <message>
        <source>The recordings could not be listed: %1</source>
        <translation>De opnamen konden niet worden opgesomd: %1</translation>
    </message>
    <message>
        <source>The file of this recording is not on this computer (recorded by %1).</source>
        <translation>Het bestand van deze opname staat niet op deze computer (opgenomen door %1).</translation>
    </message>
    <message>
        <source>The recording could not be played: %1</source>
        <translation>De opname kon niet worden afgespeeld: %1</translation>
    </message>
    <message>
        <source>Playing the recording of %1 from %2.</source>
        <translation>De opname van %1 van %2 wordt afgespeeld.</translation>
    </message>
    <message>
        <source>The folder %1 could not be opened.</source>
        <translation>De map %1 kon niet worden geopend.</translation>
    </message>
    <message>
        <source>Delete recording</source>
        <translation>Opname verwijderen</translation>
    </message>
    <message>
        <source>Delete the recording of %1 (%2, %3) and its timeline? This cannot be undone.</source>
        <translation>De opname van %1 (%2, %3) en de tijdlijn ervan verwijderen? Dit kan niet ongedaan worden gemaakt.</translation>
    </message>
    <message>
        <source>The recording of %1 is still running: stop it (REC) first.</source>
        <translation>De opname van %1 loopt nog: stop die eerst (REC).</translation>
    </message>
    <message>
        <source>The recording could not be deleted: %1</source>
        <translation>De opname kon niet worden verwijderd: %1</translation>
    </message>
    <message>
        <source>The recording of %1 was deleted.</source>
        <translation>De opname van %1 is verwijderd.</translation>
    </message>
</context>
<context>
    <name>onair::AudioFrameSource</name>
    <message>
        <source>tone frequency must be 20-20000 Hz</source>
        <translation>de toonfrequentie moet tussen 20 en 20000 Hz liggen</translation>
    </message>
    <message>
        <source>no input device matches &apos;%1&apos;</source>
        <translation>geen invoerapparaat komt overeen met &apos;%1&apos;</translation>
    </message>
    <message>
        <source>unknown source &apos;%1&apos; (use mic, mic:NAME, tone, tone:HZ or file:PATH)</source>
        <translation>onbekende bron &apos;%1&apos; (gebruik mic, mic:NAAM, tone, tone:HZ of file:PAD)</translation>
    </message>
</context>
<context>
    <name>onair::BannerPanel</name>
    <message>
        <source>Banner</source>
        <translation>Mededeling</translation>
    </message>
    <message>
        <source>Listeners who have not dismissed the banner</source>
        <translation>Luisteraars die de mededeling niet hebben weggeklikt</translation>
    </message>
    <message>
        <source>Not dismissed:</source>
        <translation>Niet weggeklikt:</translation>
    </message>
    <message>
        <source>Text every listener sees, e.g. &quot;Session B starts in 5 minutes&quot;</source>
        <translation>Tekst die elke luisteraar ziet, bijv. &quot;Sessie B begint over 5 minuten&quot;</translation>
    </message>
    <message>
        <source>Banner text</source>
        <translation>Tekst van de mededeling</translation>
    </message>
    <message>
        <source>Banner type</source>
        <translation>Soort mededeling</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Waarschuwing</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>Banner expiry</source>
        <translation>Verloop van de mededeling</translation>
    </message>
    <message>
        <source>No expiry</source>
        <translation>Verloopt niet</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>Schedule for</source>
        <translation>Inplannen voor</translation>
    </message>
    <message>
        <source>Schedule the banner</source>
        <translation>De mededeling inplannen</translation>
    </message>
    <message>
        <source>Banner start time</source>
        <translation>Begintijd van de mededeling</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Versturen</translation>
    </message>
    <message>
        <source>Send the banner to every listener (Ctrl+Return)</source>
        <translation>Verstuur de mededeling naar elke luisteraar (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Wissen</translation>
    </message>
    <message>
        <source>Clear the banner</source>
        <translation>De mededeling wissen</translation>
    </message>
    <message>
        <source>The banner could not be cleared: %1</source>
        <translation>De mededeling kon niet worden gewist: %1</translation>
    </message>
    <message>
        <source>Banner templates</source>
        <translation>Sjablonen voor mededelingen</translation>
    </message>
    <message>
        <source>Save as template</source>
        <translation>Opslaan als sjabloon</translation>
    </message>
    <message>
        <source>Delete template</source>
        <translation>Sjabloon verwijderen</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Sjablonen</translation>
    </message>
    <message>
        <source>No banner is showing.</source>
        <translation>Er wordt geen mededeling getoond.</translation>
    </message>
    <message>
        <source>Banner receipts</source>
        <translation>Ontvangst van de mededeling</translation>
    </message>
    <message>
        <source>Alert again</source>
        <translation>Opnieuw waarschuwen</translation>
    </message>
    <message>
        <source>Show the banner again, prominently, to the listeners who have not dismissed it</source>
        <translation>Toon de mededeling opnieuw, opvallend, aan de luisteraars die haar niet hebben weggeklikt</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Show who has not dismissed it and the scheduled banners</source>
        <translation>Toon wie haar niet heeft weggeklikt en de ingeplande mededelingen</translation>
    </message>
    <message>
        <source>Banner sent again to the listeners who have not dismissed it.</source>
        <translation>Mededeling opnieuw verstuurd naar de luisteraars die haar niet hebben weggeklikt.</translation>
    </message>
    <message>
        <source>This banner is no longer showing.</source>
        <translation>Deze mededeling wordt niet meer getoond.</translation>
    </message>
    <message>
        <source>Scheduled banners</source>
        <translation>Ingeplande mededelingen</translation>
    </message>
    <message>
        <source>Cancel scheduled banner</source>
        <translation>Ingeplande mededeling annuleren</translation>
    </message>
    <message>
        <source>Scheduled:</source>
        <translation>Ingepland:</translation>
    </message>
    <message>
        <source>%1 (until %2)</source>
        <translation>%1 (tot %2)</translation>
    </message>
    <message>
        <source>Delivered %1 · seen %2 · dismissed %3</source>
        <translation>Afgeleverd %1 · gezien %2 · weggeklikt %3</translation>
    </message>
    <message>
        <source>+%1 more</source>
        <translation>+%1 meer</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Scheduled banner cancelled.</source>
        <translation>Ingeplande mededeling geannuleerd.</translation>
    </message>
    <message>
        <source>The banner could not be cancelled: %1</source>
        <translation>De mededeling kon niet worden geannuleerd: %1</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>The banner was not sent: %1</source>
        <translation>De mededeling is niet verstuurd: %1</translation>
    </message>
    <message>
        <source>Banner scheduled for %1.</source>
        <translation>Mededeling ingepland voor %1.</translation>
    </message>
    <message>
        <source>Banner sent.</source>
        <translation>Mededeling verstuurd.</translation>
    </message>
    <message>
        <source>Template name:</source>
        <translation>Naam van het sjabloon:</translation>
    </message>
    <message>
        <source>Template &quot;%1&quot; saved.</source>
        <translation>Sjabloon &quot;%1&quot; opgeslagen.</translation>
    </message>
    <message>
        <source>Template &quot;%1&quot; deleted.</source>
        <translation>Sjabloon &quot;%1&quot; verwijderd.</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Opslaan…</translation>
    </message>
</context>
<context>
    <name>onair::EngineHost</name>
    <message>
        <source>the broadcast server is not running</source>
        <translation>de uitzendserver draait niet</translation>
    </message>
    <message>
        <source>it is no longer scheduled</source>
        <translation>ze is niet meer ingepland</translation>
    </message>
</context>
<context>
    <name>onair::InterpretationPanel</name>
    <message>
        <source>English</source>
        <translation>Engels</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>Spaans</translation>
    </message>
    <message>
        <source>French</source>
        <translation>Frans</translation>
    </message>
    <message>
        <source>German</source>
        <translation>Duits</translation>
    </message>
    <message>
        <source>Dutch</source>
        <translation>Nederlands</translation>
    </message>
    <message>
        <source>Italian</source>
        <translation>Italiaans</translation>
    </message>
    <message>
        <source>Portuguese</source>
        <translation>Portugees</translation>
    </message>
    <message>
        <source>Catalan</source>
        <translation>Catalaans</translation>
    </message>
    <message>
        <source>Galician</source>
        <translation>Galicisch</translation>
    </message>
    <message>
        <source>Esperanto</source>
        <translation>Esperanto</translation>
    </message>
    <message>
        <source>Basque</source>
        <translation>Baskisch</translation>
    </message>
    <message>
        <source>Occitan</source>
        <translation>Occitaans</translation>
    </message>
    <message>
        <source>Romanian</source>
        <translation>Roemeens</translation>
    </message>
    <message>
        <source>Swedish</source>
        <translation>Zweeds</translation>
    </message>
    <message>
        <source>Danish</source>
        <translation>Deens</translation>
    </message>
    <message>
        <source>Welsh</source>
        <translation>Welsh</translation>
    </message>
    <message>
        <source>Speech to text</source>
        <translation>Spraak naar tekst</translation>
    </message>
    <message>
        <source>Translation</source>
        <translation>Vertaling</translation>
    </message>
    <message>
        <source>Text to speech</source>
        <translation>Tekst naar spraak</translation>
    </message>
    <message>
        <source>Interpretation</source>
        <translation>Tolken</translation>
    </message>
    <message>
        <source>Interpreted stream</source>
        <translation>Getolkte stream</translation>
    </message>
    <message>
        <source>Spoken language</source>
        <translation>Gesproken taal</translation>
    </message>
    <message>
        <source>The language the speaker speaks (what the speech recogniser listens for)</source>
        <translation>De taal die de spreker spreekt (waar de spraakherkenning naar luistert)</translation>
    </message>
    <message>
        <source>Translate into</source>
        <translation>Vertalen naar</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Uit</translation>
    </message>
    <message>
        <source>Interpretation off</source>
        <translation>Tolken uit</translation>
    </message>
    <message>
        <source>Stop interpreting this stream</source>
        <translation>Stop met het tolken van deze stream</translation>
    </message>
    <message>
        <source>S&amp;tream</source>
        <translation>S&amp;tream</translation>
    </message>
    <message>
        <source>&amp;Spoken in</source>
        <translation>&amp;Gesproken in</translation>
    </message>
    <message>
        <source>Translate into:</source>
        <translation>Vertalen naar:</translation>
    </message>
    <message>
        <source>Live captions</source>
        <translation>Live ondertiteling</translation>
    </message>
    <message>
        <source>Each utterance as recognised, followed by its translations (indented, in blue)</source>
        <translation>Elke uiting zoals herkend, gevolgd door de vertalingen (ingesprongen, in blauw)</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanaal</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>Dropped</source>
        <translation>Overgeslagen</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reden</translation>
    </message>
    <message>
        <source>Translated channels</source>
        <translation>Vertaalde kanalen</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Stap</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>Programma</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Aanroepen</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Laatste fout</translation>
    </message>
    <message>
        <source>Interpretation stages</source>
        <translation>Tolkstappen</translation>
    </message>
    <message>
        <source>Live interpretation is not available: this OnAir was built without speech recognition, translation and speech synthesis (pocketsphinx, Apertium, espeak-ng).</source>
        <translation>Live tolken is niet beschikbaar: deze OnAir is gebouwd zonder spraakherkenning, vertaling en spraaksynthese (pocketsphinx, Apertium, espeak-ng).</translation>
    </message>
    <message>
        <source>Live interpretation is not available: no speech recognition model is installed (e.g. the pocketsphinx-en-us package).</source>
        <translation>Live tolken is niet beschikbaar: er is geen model voor spraakherkenning geïnstalleerd (bijv. het pakket pocketsphinx-en-us).</translation>
    </message>
    <message>
        <source>%1 (on air)</source>
        <translation>%1 (in de lucht)</translation>
    </message>
    <message>
        <source>%1, not installed</source>
        <translation>%1, niet geïnstalleerd</translation>
    </message>
    <message>
        <source>Translate into %1</source>
        <translation>Vertalen naar %1</translation>
    </message>
    <message>
        <source>no translation from %1 is installed (e.g. the apertium-eng-spa package)</source>
        <translation>er is geen vertaling vanuit %1 geïnstalleerd (bijv. het pakket apertium-eng-spa)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>geen</translation>
    </message>
    <message>
        <source>The interpretation of %1 was not changed: %2</source>
        <translation>Het tolken van %1 is niet gewijzigd: %2</translation>
    </message>
    <message>
        <source>Interpretation of %1 is off.</source>
        <translation>Tolken van %1 staat uit.</translation>
    </message>
    <message>
        <source>Interpreting %1 from %2 into %3.</source>
        <translation>%1 wordt getolkt van %2 naar %3.</translation>
    </message>
    <message>
        <source>translated speech</source>
        <translation>vertaalde spraak</translation>
    </message>
    <message>
        <source>captions only</source>
        <translation>alleen ondertiteling</translation>
    </message>
    <message>
        <source>original audio</source>
        <translation>origineel geluid</translation>
    </message>
    <message>
        <source>unavailable</source>
        <translation>niet beschikbaar</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>inactief</translation>
    </message>
    <message>
        <source>Choose a stream: the one you speak on, or one selected in the streams table.</source>
        <translation>Kies een stream: die waarop je spreekt, of een die in de streamtabel is geselecteerd.</translation>
    </message>
    <message>
        <source>%1 is not interpreted. Tick a language to translate into.</source>
        <translation>%1 wordt niet getolkt. Vink een taal aan om naar te vertalen.</translation>
    </message>
    <message>
        <source>%1 from %2 into %3</source>
        <translation>%1 van %2 naar %3</translation>
    </message>
    <message>
        <source>Interpretation of %1 starts when its speaker goes on air on this computer.</source>
        <translation>Het tolken van %1 begint zodra de spreker op deze computer de lucht in gaat.</translation>
    </message>
    <message>
        <source>Interpreting %1. Utterances so far: %2.</source>
        <translation>Bezig met tolken van %1. Uitingen tot nu toe: %2.</translation>
    </message>
    <message>
        <source>Degraded: %1 (see the reason below).</source>
        <translation>Beperkt: %1 (zie de reden hieronder).</translation>
    </message>
    <message>
        <source>Translation into %1: %2</source>
        <translation>Vertaling naar %1: %2</translation>
    </message>
    <message>
        <source>Original, %1: %2</source>
        <translation>Origineel, %1: %2</translation>
    </message>
    <message>
        <source>Delay p50 / p99 (ms)</source>
        <translation>Vertraging p50 / p99 (ms)</translation>
    </message>
    <message>
        <source>State (breaker)</source>
        <translation>Toestand (zekering)</translation>
    </message>
    <message>
        <source>Latency p50 / p99 (ms)</source>
        <translation>Vertraging p50 / p99 (ms)</translation>
    </message>
    <message>
        <source>Failures / timeouts</source>
        <translation>Fouten / time-outs</translation>
    </message>
    <message>
        <source>Translated channels and stages</source>
        <translation>Vertaalde kanalen en stappen</translation>
    </message>
    <message>
        <source>working</source>
        <translation>werkt</translation>
    </message>
    <message>
        <source>Circuit breaker closed: calls go through.</source>
        <translation>Zekering dicht: aanroepen gaan door.</translation>
    </message>
    <message>
        <source>trying again</source>
        <translation>probeert opnieuw</translation>
    </message>
    <message>
        <source>Circuit breaker half-open: one trial call after the pause.</source>
        <translation>Zekering half open: één proefaanroep na de pauze.</translation>
    </message>
    <message>
        <source>failing, paused</source>
        <translation>faalt, gepauzeerd</translation>
    </message>
    <message>
        <source>Circuit breaker open: calls are skipped until the pause ends.</source>
        <translation>Zekering open: aanroepen worden overgeslagen tot de pauze voorbij is.</translation>
    </message>
    <message>
        <source>Interpretation pages</source>
        <translation>Tolkpagina&apos;s</translation>
    </message>
    <message>
        <source>Language channels</source>
        <translation>Taalkanalen</translation>
    </message>
    <message>
        <source>Machine interpretation</source>
        <translation>Machinaal tolken</translation>
    </message>
</context>
<context>
    <name>onair::LanguageChannelsPanel</name>
    <message>
        <source>Language channels</source>
        <translation>Taalkanalen</translation>
    </message>
    <message>
        <source>Booth status</source>
        <translation>Status van de cabine</translation>
    </message>
    <message>
        <source>This computer as a booth</source>
        <translation>Deze computer als tolkcabine</translation>
    </message>
    <message>
        <source>Speak into a channel with the source chosen in the Speak bar.</source>
        <translation>Spreek in een kanaal met de bron die bij Spreken is gekozen.</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanaal</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <source>On air</source>
        <translation>In de lucht</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Niveau</translation>
    </message>
    <message>
        <source>Listeners</source>
        <translation>Luisteraars</translation>
    </message>
    <message>
        <source>Fallback</source>
        <translation>Terugval</translation>
    </message>
    <message>
        <source>Who the listeners of the channel hear now</source>
        <translation>Wie de luisteraars van het kanaal nu horen</translation>
    </message>
    <message>
        <source>The channel&apos;s level over the last second (RMS), when it is spoken on this server</source>
        <translation>Het niveau van het kanaal over de laatste seconde (RMS), als er op deze server in wordt gesproken</translation>
    </message>
    <message>
        <source>What the channel carries while no person speaks on it. Machine: the machine interpreter where one serves the language, else the original audio.</source>
        <translation>Wat het kanaal uitzendt zolang er geen mens in spreekt. Machine: de machinale tolk als die de taal bedient, anders het originele geluid.</translation>
    </message>
    <message>
        <source>Every language channel: who is on it, its level, its listeners and its fallback</source>
        <translation>Elk taalkanaal: wie erop zit, het niveau, de luisteraars en de terugval</translation>
    </message>
    <message>
        <source>Stream of the new channel</source>
        <translation>Stream van het nieuwe kanaal</translation>
    </message>
    <message>
        <source>The stream (the floor) the channel interprets; empty: %1</source>
        <translation>De stream (de zaal) die het kanaal tolkt; leeg: %1</translation>
    </message>
    <message>
        <source>e.g. nl</source>
        <translation>bijv. nl</translation>
    </message>
    <message>
        <source>Language of the new channel</source>
        <translation>Taal van het nieuwe kanaal</translation>
    </message>
    <message>
        <source>A 2- or 3-letter language code: nl, en, de, fr, es, …</source>
        <translation>Een taalcode van 2 of 3 letters: nl, en, de, fr, es, …</translation>
    </message>
    <message>
        <source>Add channel</source>
        <translation>Kanaal toevoegen</translation>
    </message>
    <message>
        <source>Offer the channel to listeners from now on (kept across restarts)</source>
        <translation>Bied het kanaal vanaf nu aan luisteraars aan (blijft bewaard na een herstart)</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Verwijderen</translation>
    </message>
    <message>
        <source>Remove the selected channel</source>
        <translation>Het geselecteerde kanaal verwijderen</translation>
    </message>
    <message>
        <source>Stop offering the selected channel (a person on air on it stays on air)</source>
        <translation>Bied het geselecteerde kanaal niet meer aan (wie erop in de lucht is, blijft in de lucht)</translation>
    </message>
    <message>
        <source>S&amp;tream</source>
        <translation>S&amp;tream</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Taal</translation>
    </message>
    <message>
        <source>Channel to speak into</source>
        <translation>Kanaal om in te spreken</translation>
    </message>
    <message>
        <source>Speak into it</source>
        <translation>Spreek erin</translation>
    </message>
    <message>
        <source>Be the interpreter on this channel from this computer (the Speak bar&apos;s source)</source>
        <translation>Wees vanaf deze computer de tolk op dit kanaal (met de bron van Spreken)</translation>
    </message>
    <message>
        <source>Hand over</source>
        <translation>Overdragen</translation>
    </message>
    <message>
        <source>Let your booth partner take the channel: the next interpreter to connect takes it at once</source>
        <translation>Laat je cabinepartner het kanaal overnemen: de volgende tolk die verbindt, neemt het meteen over</translation>
    </message>
    <message>
        <source>Booth level</source>
        <translation>Niveau van de cabine</translation>
    </message>
    <message>
        <source>Spea&amp;k into</source>
        <translation>Spree&amp;k in</translation>
    </message>
    <message>
        <source>%1: offered to listeners</source>
        <translation>%1: aangeboden aan luisteraars</translation>
    </message>
    <message>
        <source>%1: listed while someone speaks on it, not declared</source>
        <translation>%1: getoond zolang iemand erin spreekt, niet aangemeld</translation>
    </message>
    <message>
        <source>No person on air: the machine interpreter speaks</source>
        <translation>Geen mens in de lucht: de machinale tolk spreekt</translation>
    </message>
    <message>
        <source>No person on air and no machine interpreter for this language</source>
        <translation>Geen mens in de lucht en geen machinale tolk voor deze taal</translation>
    </message>
    <message>
        <source>No person on air, and the floor is not spoken on this server</source>
        <translation>Geen mens in de lucht, en in de zaal wordt niet op deze server gesproken</translation>
    </message>
    <message>
        <source>Fallback of %1</source>
        <translation>Terugval van %1</translation>
    </message>
    <message>
        <source>Measured for channels spoken on this server only</source>
        <translation>Alleen gemeten voor kanalen waarin op deze server wordt gesproken</translation>
    </message>
    <message>
        <source>silence</source>
        <translation>stilte</translation>
    </message>
    <message>
        <source>%1 dBFS</source>
        <translation>%1 dBFS</translation>
    </message>
    <message>
        <source>RMS over the last second: %1</source>
        <translation>RMS over de laatste seconde: %1</translation>
    </message>
    <message>
        <source>Person (this computer)</source>
        <translation>Mens (deze computer)</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Mens</translation>
    </message>
    <message>
        <source>Person (%1)</source>
        <translation>Mens (%1)</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Machine</translation>
    </message>
    <message>
        <source>Original audio</source>
        <translation>Origineel geluid</translation>
    </message>
    <message>
        <source>Silence</source>
        <translation>Stilte</translation>
    </message>
    <message>
        <source>Off air</source>
        <translation>Uit de lucht</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a stream name: 1 to 64 of A-Z a-z 0-9 . _ - (a channel of a channel is not possible).</source>
        <translation>&apos;%1&apos; is geen streamnaam: 1 tot 64 tekens uit A-Z a-z 0-9 . _ - (een kanaal van een kanaal kan niet).</translation>
    </message>
    <message>
        <source>Type the channel&apos;s language, e.g. nl.</source>
        <translation>Typ de taal van het kanaal, bijv. nl.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a language code: use a 2- or 3-letter code such as nl, en, de or fr.</source>
        <translation>&apos;%1&apos; is geen taalcode: gebruik een code van 2 of 3 letters, zoals nl, en, de of fr.</translation>
    </message>
    <message>
        <source>%1 cannot be a channel: %2</source>
        <translation>%1 kan geen kanaal zijn: %2</translation>
    </message>
    <message>
        <source>%1 is a channel already.</source>
        <translation>%1 is al een kanaal.</translation>
    </message>
    <message>
        <source>%1 was not removed: %2</source>
        <translation>%1 is niet verwijderd: %2</translation>
    </message>
    <message>
        <source>%1 was not changed: %2</source>
        <translation>%1 is niet gewijzigd: %2</translation>
    </message>
    <message>
        <source>%1 is no longer offered to listeners.</source>
        <translation>%1 wordt niet meer aan luisteraars aangeboden.</translation>
    </message>
    <message>
        <source>%1 added: while no person speaks on it, it carries: %2.</source>
        <translation>%1 toegevoegd: zolang er geen mens in spreekt, zendt het uit: %2.</translation>
    </message>
    <message>
        <source>%1: while no person speaks on it, it carries: %2.</source>
        <translation>%1: zolang er geen mens in spreekt, zendt het uit: %2.</translation>
    </message>
    <message>
        <source>This window has no booth speaker.</source>
        <translation>Dit venster heeft geen cabine om mee te spreken.</translation>
    </message>
    <message>
        <source>Add a channel first, then speak into it.</source>
        <translation>Voeg eerst een kanaal toe en spreek er dan in.</translation>
    </message>
    <message>
        <source>Choose an audio source in the Speak bar first.</source>
        <translation>Kies eerst een geluidsbron bij Spreken.</translation>
    </message>
    <message>
        <source>Going on air…</source>
        <translation>De lucht in…</translation>
    </message>
    <message>
        <source>Going on air on %1…</source>
        <translation>De lucht in op %1…</translation>
    </message>
    <message>
        <source>● ON AIR — %1</source>
        <translation>● IN DE LUCHT — %1</translation>
    </message>
    <message>
        <source>Interpreting on %1: press to go off air</source>
        <translation>Tolkt op %1: druk om uit de lucht te gaan</translation>
    </message>
    <message>
        <source>Speak into the channel</source>
        <translation>Spreek in het kanaal</translation>
    </message>
    <message>
        <source>You are on air on %1: its listeners hear this computer.</source>
        <translation>Je bent in de lucht op %1: de luisteraars horen deze computer.</translation>
    </message>
    <message>
        <source>Off air on %1.</source>
        <translation>Uit de lucht op %1.</translation>
    </message>
    <message>
        <source>Handed over: your booth partner speaks on %1 now. You are off air.</source>
        <translation>Overgedragen: je cabinepartner spreekt nu op %1. Je bent uit de lucht.</translation>
    </message>
    <message>
        <source>Refused: a person is on air on %1 already. Ask them to hand over, then try again.</source>
        <translation>Geweigerd: er is al iemand in de lucht op %1. Vraag om over te dragen en probeer het dan opnieuw.</translation>
    </message>
    <message>
        <source>Could not speak into %1: %2</source>
        <translation>Kon niet in %1 spreken: %2</translation>
    </message>
    <message>
        <source>Nothing to hand over: this computer is not on air on a channel.</source>
        <translation>Niets over te dragen: deze computer is niet in de lucht op een kanaal.</translation>
    </message>
    <message>
        <source>Handing over: the next interpreter to connect to %1 takes it; you stay on air until then.</source>
        <translation>Bezig met overdragen: de volgende tolk die met %1 verbindt, neemt het over; tot dan blijf je in de lucht.</translation>
    </message>
    <message>
        <source>Hand-over withdrawn: you stay on air on %1.</source>
        <translation>Overdracht ingetrokken: je blijft in de lucht op %1.</translation>
    </message>
</context>
<context>
    <name>onair::LevelMeter</name>
    <message>
        <source>silence</source>
        <translation>stilte</translation>
    </message>
    <message>
        <source>%1 dBFS</source>
        <translation>%1 dBFS</translation>
    </message>
    <message>
        <source>Level on air</source>
        <translation>Niveau in de uitzending</translation>
    </message>
    <message>
        <source>GR %1 dB</source>
        <translation>GR %1 dB</translation>
    </message>
    <message>
        <source>Level on air (after voice processing): peak %1 dBFS, RMS %2 dBFS, gain reduction %3 dB%4</source>
        <translation>Niveau in de uitzending (na spraakbewerking): piek %1 dBFS, RMS %2 dBFS, versterkingsreductie %3 dB%4</translation>
    </message>
    <message>
        <source>; the input clipped</source>
        <translation>; de invoer was overstuurd</translation>
    </message>
    <message>
        <source>CLIP</source>
        <translation>CLIP</translation>
    </message>
</context>
<context>
    <name>onair::ListenersModel</name>
    <message>
        <source>Address</source>
        <translation>Adres</translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation>Achterstand</translation>
    </message>
    <message>
        <source>Drops</source>
        <translation>Gemist</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbinding</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>Identiteit</translation>
    </message>
    <message>
        <source>Via</source>
        <translation>Via</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 op %2</translation>
    </message>
    <message>
        <source>Web page</source>
        <translation>Webpagina</translation>
    </message>
    <message>
        <source>%1 player</source>
        <translation>%1-speler</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>The listener&apos;s network address and port</source>
        <translation>Het netwerkadres en de poort van de luisteraar</translation>
    </message>
    <message>
        <source>The web page, or a standard player (MP3 or Ogg stream) and its app</source>
        <translation>De webpagina, of een gewone speler (MP3- of Ogg-stream) en de app</translation>
    </message>
    <message>
        <source>Who the listener&apos;s token names, else how they connected</source>
        <translation>Wie het token van de luisteraar noemt, anders hoe die verbonden is</translation>
    </message>
    <message>
        <source>Connected since (this computer&apos;s clock)</source>
        <translation>Verbonden sinds (klok van deze computer)</translation>
    </message>
    <message>
        <source>Audio waiting to be sent to this listener</source>
        <translation>Audio die nog naar deze luisteraar moet</translation>
    </message>
    <message>
        <source>Frames this listener missed because it could not keep up</source>
        <translation>Frames die deze luisteraar miste omdat die het niet bijhield</translation>
    </message>
    <message>
        <source>The connection&apos;s number, as in the log</source>
        <translation>Het nummer van de verbinding, zoals in het logboek</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Sinds</translation>
    </message>
    <message>
        <source>Hears</source>
        <translation>Hoort</translation>
    </message>
    <message>
        <source>Delay</source>
        <translation>Vertraging</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Apparaat</translation>
    </message>
    <message>
        <source>Decoder: %1; underruns: %2</source>
        <translation>Decoder: %1; haperingen: %2</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Playing</source>
        <translation>Speelt af</translation>
    </message>
    <message>
        <source>Buffering</source>
        <translation>Buffert</translation>
    </message>
    <message>
        <source>Tap to play</source>
        <translation>Moet nog tikken</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>Verbindt opnieuw</translation>
    </message>
    <message>
        <source>Not reporting</source>
        <translation>Meldt niets</translation>
    </message>
    <message>
        <source>%1 (background)</source>
        <translation>%1 (op de achtergrond)</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefoon</translation>
    </message>
    <message>
        <source>Tablet</source>
        <translation>Tablet</translation>
    </message>
    <message>
        <source>Computer</source>
        <translation>Computer</translation>
    </message>
    <message>
        <source>Media player</source>
        <translation>Mediaspeler</translation>
    </message>
    <message>
        <source>What the listener&apos;s page reports: playing, buffering, waiting for a tap, reconnecting; a player plays while it reads</source>
        <translation>Wat de pagina van de luisteraar meldt: speelt af, buffert, wacht op een tik, verbindt opnieuw; een speler speelt zolang hij leest</translation>
    </message>
    <message>
        <source>Mouth-to-ear delay the listener&apos;s page reports</source>
        <translation>Vertraging van mond tot oor die de pagina van de luisteraar meldt</translation>
    </message>
    <message>
        <source>Phone, tablet, computer or media player, from its User-Agent</source>
        <translation>Telefoon, tablet, computer of mediaspeler, volgens de User-Agent</translation>
    </message>
</context>
<context>
    <name>onair::MainWindow</name>
    <message>
        <source>OnAir control room</source>
        <translation>OnAir regiekamer</translation>
    </message>
    <message>
        <source>Live streams</source>
        <translation>Live streams</translation>
    </message>
    <message>
        <source>Kick</source>
        <translation>Verwijderen</translation>
    </message>
    <message>
        <source>Close the selected listener&apos;s connection</source>
        <translation>Verbreek de verbinding van de geselecteerde luisteraar</translation>
    </message>
    <message>
        <source>Streams</source>
        <translation>Streams</translation>
    </message>
    <message>
        <source>Listeners of the selected stream</source>
        <translation>Luisteraars van de geselecteerde stream</translation>
    </message>
    <message>
        <source>Filter the log (e.g. onair.ws, refused, main)</source>
        <translation>Filter het logboek (bijv. onair.ws, refused, main)</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Logboek</translation>
    </message>
    <message>
        <source>removed by the operator</source>
        <translation>verwijderd door de operator</translation>
    </message>
    <message>
        <source>Listener %1 was disconnected.</source>
        <translation>Luisteraar %1 is losgekoppeld.</translation>
    </message>
    <message>
        <source>Go on air</source>
        <translation>Ga de lucht in</translation>
    </message>
    <message>
        <source>On air on stream %1.</source>
        <translation>In de lucht op stream %1.</translation>
    </message>
    <message>
        <source>Off air.</source>
        <translation>Uit de lucht.</translation>
    </message>
    <message>
        <source>Speak</source>
        <translation>Spreken</translation>
    </message>
    <message>
        <source>Go on air / off air (Ctrl+Space)</source>
        <translation>De lucht in / uit de lucht (Ctrl+Spatie)</translation>
    </message>
    <message>
        <source>stream name</source>
        <translation>naam van de stream</translation>
    </message>
    <message>
        <source>Stream name</source>
        <translation>Naam van de stream</translation>
    </message>
    <message>
        <source>Audio source</source>
        <translation>Geluidsbron</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Dempen</translation>
    </message>
    <message>
        <source>Monitor selected stream</source>
        <translation>Geselecteerde stream meeluisteren</translation>
    </message>
    <message>
        <source>Monitor volume</source>
        <translation>Volume meeluisteren</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Bron</translation>
    </message>
    <message>
        <source>Choose a WAV file</source>
        <translation>Kies een WAV-bestand</translation>
    </message>
    <message>
        <source>WAV files (*.wav)</source>
        <translation>WAV-bestanden (*.wav)</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Listen at</source>
        <translation>Luisteren via</translation>
    </message>
    <message>
        <source>Up for</source>
        <translation>Actief sinds</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindingen</translation>
    </message>
    <message>
        <source>Messages/s</source>
        <translation>Berichten/s</translation>
    </message>
    <message>
        <source>Fan-out p99</source>
        <translation>Verspreiding p99</translation>
    </message>
    <message>
        <source>Components</source>
        <translation>Onderdelen</translation>
    </message>
    <message>
        <source>Microphone: %1</source>
        <translation>Microfoon: %1</translation>
    </message>
    <message>
        <source>No microphone found</source>
        <translation>Geen microfoon gevonden</translation>
    </message>
    <message>
        <source>Test tone (440 Hz)</source>
        <translation>Testtoon (440 Hz)</translation>
    </message>
    <message>
        <source>WAV file…</source>
        <translation>WAV-bestand…</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>Bestand: %1</translation>
    </message>
    <message>
        <source>No microphone found: use the test tone or a WAV file, or connect a microphone.</source>
        <translation>Geen microfoon gevonden: gebruik de testtoon of een WAV-bestand, of sluit een microfoon aan.</translation>
    </message>
    <message>
        <source>Stream name: %1</source>
        <translation>Naam van de stream: %1</translation>
    </message>
    <message>
        <source>Choose an audio source first.</source>
        <translation>Kies eerst een geluidsbron.</translation>
    </message>
    <message>
        <source>≤ %1 ms</source>
        <translation>≤ %1 ms</translation>
    </message>
    <message>
        <source>%1 engine &amp;nbsp; %2 store &amp;nbsp; %3 capacity</source>
        <translation>%1 server &amp;nbsp; %2 opslag &amp;nbsp; %3 capaciteit</translation>
    </message>
    <message>
        <source>&amp;OnAir</source>
        <translation>&amp;OnAir</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Instellingen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Afsluiten</translation>
    </message>
    <message>
        <source>Listeners of %1 (first %2 of %3)</source>
        <translation>Luisteraars van %1 (eerste %2 van %3)</translation>
    </message>
    <message>
        <source>%1 cluster</source>
        <translation>%1 cluster</translation>
    </message>
    <message numerus="yes">
        <source>Joined through Redis: %n replica(s) in the cluster</source>
        <translation>
            <numerusform>Verbonden via Redis: %n replica in het cluster</numerusform>
            <numerusform>Verbonden via Redis: %n replica&apos;s in het cluster</numerusform>
        </translation>
    </message>
    <message>
        <source>Redis unreachable (%1): serving this machine&apos;s listeners only; reconnecting</source>
        <translation>Redis onbereikbaar (%1): alleen de luisteraars van deze machine worden bediend; opnieuw verbinden</translation>
    </message>
    <message>
        <source>Log filter</source>
        <translation>Logboekfilter</translation>
    </message>
    <message>
        <source>Interpretation</source>
        <translation>Tolken</translation>
    </message>
    <message>
        <source>Listeners hear silence while this is checked; you stay on air.</source>
        <translation>Luisteraars horen stilte zolang dit aangevinkt is; je blijft in de lucht.</translation>
    </message>
    <message>
        <source>Play the selected stream on this computer&apos;s speakers.</source>
        <translation>Speel de geselecteerde stream af op de luidsprekers van deze computer.</translation>
    </message>
    <message>
        <source>Log and interpretation</source>
        <translation>Logboek en tolken</translation>
    </message>
    <message>
        <source>● ON AIR — %1</source>
        <translation>● IN DE LUCHT — %1</translation>
    </message>
    <message>
        <source>On air on stream %1</source>
        <translation>In de lucht op stream %1</translation>
    </message>
    <message>
        <source>Off air</source>
        <translation>Uit de lucht</translation>
    </message>
    <message>
        <source>Press to go off air (Ctrl+Space).</source>
        <translation>Druk om uit de lucht te gaan (Ctrl+Spatie).</translation>
    </message>
    <message>
        <source>Press to go on air (Ctrl+Space).</source>
        <translation>Druk om de lucht in te gaan (Ctrl+Spatie).</translation>
    </message>
    <message>
        <source>● ON AIR — %1 — OnAir control room</source>
        <translation>● IN DE LUCHT — %1 — OnAir regiekamer</translation>
    </message>
    <message>
        <source>this computer only: %1</source>
        <translation>alleen deze computer: %1</translation>
    </message>
    <message>
        <source>Banner and sharing</source>
        <translation>Mededeling en delen</translation>
    </message>
    <message>
        <source>Stream warnings</source>
        <translation>Waarschuwingen bij streams</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archief</translation>
    </message>
    <message>
        <source>REC</source>
        <translation>REC</translation>
    </message>
    <message>
        <source>The recording of %1 could not start: %2</source>
        <translation>De opname van %1 kon niet starten: %2</translation>
    </message>
    <message>
        <source>The recording of %1 could not be stopped: %2</source>
        <translation>De opname van %1 kon niet worden gestopt: %2</translation>
    </message>
    <message>
        <source>Recording %1 (%2).</source>
        <translation>Opname van %1 loopt (%2).</translation>
    </message>
    <message>
        <source>Recording of %1 stopped.</source>
        <translation>Opname van %1 gestopt.</translation>
    </message>
    <message>
        <source>⚠ REC failed: %1</source>
        <translation>⚠ REC mislukt: %1</translation>
    </message>
    <message>
        <source>REC failed: %1. Press to turn recording of %2 off, then again to retry.</source>
        <translation>REC mislukt: %1. Druk om de opname van %2 uit te zetten, en nog eens om het opnieuw te proberen.</translation>
    </message>
    <message>
        <source>● REC %1 · %2</source>
        <translation>● REC %1 · %2</translation>
    </message>
    <message>
        <source>Recording %1 (Ctrl+R stops; Ctrl+M drops a mark).</source>
        <translation>Neemt %1 op (Ctrl+R stopt; Ctrl+M plaatst een markering).</translation>
    </message>
    <message>
        <source>● REC waiting</source>
        <translation>● REC wacht</translation>
    </message>
    <message>
        <source>Recording of %1 is on: it starts when the stream&apos;s speaker is on air here.</source>
        <translation>Opname van %1 staat aan: ze begint wanneer de spreker van de stream hier in de lucht is.</translation>
    </message>
    <message>
        <source>Record the stream named in the stream field (Ctrl+R).</source>
        <translation>Neem de stream op die in het streamveld staat (Ctrl+R).</translation>
    </message>
    <message>
        <source>Record stream %1 (Ctrl+R).</source>
        <translation>Neem stream %1 op (Ctrl+R).</translation>
    </message>
    <message>
        <source>Recording failed</source>
        <translation>Opname mislukt</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>Neemt op</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Opnemen</translation>
    </message>
    <message>
        <source>No mark: %1 is not being recorded (REC, Ctrl+R).</source>
        <translation>Geen markering: %1 wordt niet opgenomen (REC, Ctrl+R).</translation>
    </message>
    <message>
        <source>Mark</source>
        <translation>Markering</translation>
    </message>
    <message>
        <source>A mark on the timeline of the recording of %1:</source>
        <translation>Een markering op de tijdlijn van de opname van %1:</translation>
    </message>
    <message>
        <source>chapter</source>
        <translation>hoofdstuk</translation>
    </message>
    <message>
        <source>the broadcast server is not running</source>
        <translation>de uitzendserver draait niet</translation>
    </message>
    <message>
        <source>Mark “%1” added to the recording of %2.</source>
        <translation>Markering “%1” toegevoegd aan de opname van %2.</translation>
    </message>
    <message>
        <source>No mark: %1</source>
        <translation>Geen markering: %1</translation>
    </message>
    <message>
        <source>%1 is recorded whenever it is on air (--record): REC cannot turn that off.</source>
        <translation>%1 wordt altijd opgenomen als de stream in de lucht is (--record): REC kan dat niet uitzetten.</translation>
    </message>
</context>
<context>
    <name>onair::MicSource</name>
    <message>
        <source>No microphone found. Connect one, or use the test tone.</source>
        <translation>Geen microfoon gevonden. Sluit er een aan of gebruik de testtoon.</translation>
    </message>
    <message>
        <source>%1 cannot record 48 kHz mono 16-bit audio.</source>
        <translation>%1 kan geen 48 kHz mono 16-bit geluid opnemen.</translation>
    </message>
    <message>
        <source>The microphone stopped (%1).</source>
        <translation>De microfoon is gestopt (%1).</translation>
    </message>
    <message>
        <source>Could not open %1.</source>
        <translation>Kon %1 niet openen.</translation>
    </message>
</context>
<context>
    <name>onair::Monitor</name>
    <message>
        <source>No audio output device to monitor on.</source>
        <translation>Geen geluidsuitvoer om op mee te luisteren.</translation>
    </message>
</context>
<context>
    <name>onair::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Instellingen</translation>
    </message>
    <message>
        <source>Server (applied at the next start)</source>
        <translation>Server (geldt vanaf de volgende start)</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Poort</translation>
    </message>
    <message>
        <source>Listeners per stream</source>
        <translation>Luisteraars per stream</translation>
    </message>
    <message>
        <source>Connections in total</source>
        <translation>Verbindingen in totaal</translation>
    </message>
    <message>
        <source>Speaker token</source>
        <translation>Sprekerstoken</translation>
    </message>
    <message>
        <source>A second presenter speaks from a browser or another OnAir with this token (valid 8 hours).</source>
        <translation>Een tweede presentator spreekt met dit token vanuit een browser of een andere OnAir (8 uur geldig).</translation>
    </message>
    <message>
        <source>Stream for the token</source>
        <translation>Stream voor het token</translation>
    </message>
    <message>
        <source>Mint token</source>
        <translation>Token aanmaken</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Copy token</source>
        <translation>Token kopiëren</translation>
    </message>
    <message>
        <source>Opus (recommended)</source>
        <translation>Opus (aanbevolen)</translation>
    </message>
    <message>
        <source>PCM (uncompressed, 768 kb/s per listener)</source>
        <translation>PCM (ongecomprimeerd, 768 kb/s per luisteraar)</translation>
    </message>
    <message>
        <source>%1 kb/s (speech)</source>
        <translation>%1 kb/s (spraak)</translation>
    </message>
    <message>
        <source>%1 kb/s</source>
        <translation>%1 kb/s</translation>
    </message>
    <message>
        <source>20 ms</source>
        <translation>20 ms</translation>
    </message>
    <message>
        <source>10 ms (lower delay, more bandwidth)</source>
        <translation>10 ms (minder vertraging, meer bandbreedte)</translation>
    </message>
    <message>
        <source>Codec</source>
        <translation>Codec</translation>
    </message>
    <message>
        <source>Bitrate</source>
        <translation>Bitrate</translation>
    </message>
    <message>
        <source>Frame length</source>
        <translation>Framelengte</translation>
    </message>
    <message>
        <source>Secure connections (HTTPS) with a certificate made for this computer</source>
        <translation>Beveiligde verbindingen (HTTPS) met een certificaat dat voor deze computer is gemaakt</translation>
    </message>
    <message>
        <source>Browsers on other machines need HTTPS for the microphone and the Opus decoder. They warn once about a self-signed certificate: compare its fingerprint with the one shown here.</source>
        <translation>Browsers op andere computers hebben HTTPS nodig voor de microfoon en de Opus-decoder. Ze waarschuwen één keer voor een zelfondertekend certificaat: vergelijk de vingerafdruk met die hier.</translation>
    </message>
    <message>
        <source>Make a new certificate</source>
        <translation>Nieuw certificaat maken</translation>
    </message>
    <message>
        <source>For example after this computer got a new address on the network.</source>
        <translation>Bijvoorbeeld nadat deze computer een nieuw adres op het netwerk heeft gekregen.</translation>
    </message>
    <message>
        <source>Not in use now.</source>
        <translation>Nu niet in gebruik.</translation>
    </message>
    <message>
        <source>In use, SHA-256 fingerprint:
%1</source>
        <translation>In gebruik, SHA-256-vingerafdruk:
%1</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>Certificaat</translation>
    </message>
    <message>
        <source>No certificate could be made: %1</source>
        <translation>Er kon geen certificaat worden gemaakt: %1</translation>
    </message>
    <message>
        <source>New certificate (used at the next start), SHA-256 fingerprint:
%1</source>
        <translation>Nieuw certificaat (gebruikt bij de volgende start), SHA-256-vingerafdruk:
%1</translation>
    </message>
    <message>
        <source>Listen on the network (phones and other computers can join; applies at once)</source>
        <translation>Luisteren op het netwerk (telefoons en andere computers kunnen meedoen; geldt meteen)</translation>
    </message>
    <message>
        <source>Applies at once, like &quot;Open to the local network&quot; in the Share panel; listeners already connected stay.</source>
        <translation>Geldt meteen, net als &quot;Openen voor het lokale netwerk&quot; in het paneel Delen; luisteraars die al verbonden zijn, blijven.</translation>
    </message>
    <message>
        <source>The network setting could not be applied: %1</source>
        <translation>De netwerkinstelling kon niet worden toegepast: %1</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Audio</translation>
    </message>
    <message>
        <source>The codec, bitrate and frame length apply when you next go on air.</source>
        <translation>Codec, bitrate en framelengte gelden vanaf de volgende keer dat je uitzendt.</translation>
    </message>
    <message>
        <source>High-pass filter</source>
        <translation>Hoogdoorlaatfilter</translation>
    </message>
    <message>
        <source>Removes rumble and hum below about 80 Hz.</source>
        <translation>Verwijdert gerommel en brom onder ongeveer 80 Hz.</translation>
    </message>
    <message>
        <source>Noise suppression</source>
        <translation>Ruisonderdrukking</translation>
    </message>
    <message>
        <source>Lowers steady background noise (fans, air conditioning) between and under the words.</source>
        <translation>Dempt constant achtergrondgeluid (ventilatoren, airco) tussen en onder de woorden.</translation>
    </message>
    <message>
        <source>Automatic gain</source>
        <translation>Automatische versterking</translation>
    </message>
    <message>
        <source>Brings quiet and loud speakers to an even level.</source>
        <translation>Brengt zachte en luide sprekers op een gelijk niveau.</translation>
    </message>
    <message>
        <source>Limiter</source>
        <translation>Limiter</translation>
    </message>
    <message>
        <source>Keeps every peak at or below -1 dBFS, so speech never clips on air.</source>
        <translation>Houdt elke piek op of onder -1 dBFS, zodat spraak in de uitzending nooit overstuurd raakt.</translation>
    </message>
    <message>
        <source>For microphones, not for the test tone or files; applies at once, also on air.</source>
        <translation>Voor microfoons, niet voor de testtoon of bestanden; geldt meteen, ook tijdens de uitzending.</translation>
    </message>
    <message>
        <source>Voice processing</source>
        <translation>Spraakbewerking</translation>
    </message>
</context>
<context>
    <name>onair::SharePanel</name>
    <message>
        <source>Share</source>
        <translation>Delen</translation>
    </message>
    <message>
        <source>QR code of the listener link</source>
        <translation>QR-code van de luisterlink</translation>
    </message>
    <message>
        <source>Open to the local network</source>
        <translation>Openen voor het lokale netwerk</translation>
    </message>
    <message>
        <source>Phones and other computers on this network can then listen. Applies at once.</source>
        <translation>Telefoons en andere computers op dit netwerk kunnen dan luisteren. Geldt meteen.</translation>
    </message>
    <message>
        <source>This computer only</source>
        <translation>Alleen deze computer</translation>
    </message>
    <message>
        <source>New listeners can then only connect from this computer; those already listening stay.</source>
        <translation>Nieuwe luisteraars kunnen dan alleen vanaf deze computer verbinden; wie al luistert, blijft.</translation>
    </message>
    <message>
        <source>Phones and other computers on this network can listen.</source>
        <translation>Telefoons en andere computers op dit netwerk kunnen luisteren.</translation>
    </message>
    <message>
        <source>Address in the link</source>
        <translation>Adres in de link</translation>
    </message>
    <message>
        <source>This computer has several network addresses: choose the one of the network the listeners are on.</source>
        <translation>Deze computer heeft meerdere netwerkadressen: kies dat van het netwerk waarop de luisteraars zitten.</translation>
    </message>
    <message>
        <source>Listeners scan the code or open the link:</source>
        <translation>Luisteraars scannen de code of openen de link:</translation>
    </message>
    <message>
        <source>Any phone</source>
        <translation>Elke telefoon</translation>
    </message>
    <message>
        <source>Plain link (http): opens on every phone, without a warning. The QR code opens the link chosen here.</source>
        <translation>Gewone link (http): opent op elke telefoon, zonder waarschuwing. De QR-code opent de link die hier gekozen is.</translation>
    </message>
    <message>
        <source>HTTPS</source>
        <translation>HTTPS</translation>
    </message>
    <message>
        <source>Secure link: phones show a certificate warning first. The QR code opens the link chosen here.</source>
        <translation>Beveiligde link: telefoons tonen eerst een certificaatwaarschuwing. De QR-code opent de link die hier gekozen is.</translation>
    </message>
    <message>
        <source>Copy link</source>
        <translation>Link kopiëren</translation>
    </message>
    <message>
        <source>Link copied.</source>
        <translation>Link gekopieerd.</translation>
    </message>
    <message>
        <source>Listener link</source>
        <translation>Luisterlink</translation>
    </message>
    <message>
        <source>Secure listener link (HTTPS)</source>
        <translation>Beveiligde luisterlink (HTTPS)</translation>
    </message>
    <message>
        <source>Could not open listening to the local network: %1</source>
        <translation>Luisteren kon niet worden opengesteld voor het lokale netwerk: %1</translation>
    </message>
    <message>
        <source>Could not limit listening to this computer: %1</source>
        <translation>Luisteren kon niet worden beperkt tot deze computer: %1</translation>
    </message>
    <message>
        <source>Phones and other computers on this network can listen now.</source>
        <translation>Telefoons en andere computers op dit netwerk kunnen nu luisteren.</translation>
    </message>
    <message>
        <source>Only this computer can listen now. Listeners already connected stay.</source>
        <translation>Alleen deze computer kan nu luisteren. Luisteraars die al verbonden zijn, blijven.</translation>
    </message>
    <message>
        <source>Only this computer can listen. Phones and other computers cannot reach it yet.</source>
        <translation>Alleen deze computer kan luisteren. Telefoons en andere computers kunnen hem nog niet bereiken.</translation>
    </message>
    <message>
        <source>No network connection found. Connect this computer to the network the listeners are on (Wi-Fi or cable); the link appears here.</source>
        <translation>Geen netwerkverbinding gevonden. Verbind deze computer met het netwerk waarop de luisteraars zitten (wifi of kabel); de link verschijnt dan hier.</translation>
    </message>
    <message>
        <source>HTTPS: phones warn first. Certificate SHA-256:
%1</source>
        <translation>HTTPS: telefoons waarschuwen eerst. SHA-256 van het certificaat:
%1</translation>
    </message>
    <message>
        <source>Other apps (VLC, radio apps): %1</source>
        <translation>Andere apps (VLC, radio-apps): %1</translation>
    </message>
    <message>
        <source>Only a virtual or VPN network was found: phones reach this link only through it.</source>
        <translation>Alleen een virtueel of VPN-netwerk gevonden: telefoons bereiken deze link alleen daarlangs.</translation>
    </message>
</context>
<context>
    <name>onair::StreamsModel</name>
    <message>
        <source>Stream</source>
        <translation>Stream</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>Spreker</translation>
    </message>
    <message>
        <source>Listeners</source>
        <translation>Luisteraars</translation>
    </message>
    <message>
        <source>Frames/s in</source>
        <translation>Frames/s in</translation>
    </message>
    <message>
        <source>Out</source>
        <translation>Uit</translation>
    </message>
    <message>
        <source>Drops</source>
        <translation>Gemist</translation>
    </message>
    <message>
        <source>none</source>
        <translation>geen</translation>
    </message>
    <message>
        <source>/s</source>
        <translation>/s</translation>
    </message>
    <message>
        <source>≤ %1 ms</source>
        <translation>≤ %1 ms</translation>
    </message>
    <message>
        <source>Fan-out p99</source>
        <translation>Verspreiding p99</translation>
    </message>
    <message>
        <source>interpreter (from %1)</source>
        <translation>tolk (van %1)</translation>
    </message>
    <message>
        <source>The stream&apos;s name: listeners open /listen/&lt;name&gt;</source>
        <translation>De naam van de stream: luisteraars openen /listen/&lt;naam&gt;</translation>
    </message>
    <message>
        <source>Who speaks on the stream: their address, or this computer</source>
        <translation>Wie op de stream spreekt: het adres, of deze computer</translation>
    </message>
    <message>
        <source>Listeners connected now</source>
        <translation>Luisteraars die nu verbonden zijn</translation>
    </message>
    <message>
        <source>Audio frames a second from the speaker</source>
        <translation>Audioframes per seconde van de spreker</translation>
    </message>
    <message>
        <source>Bytes a second sent to all listeners together</source>
        <translation>Bytes per seconde naar alle luisteraars samen</translation>
    </message>
    <message>
        <source>Frames dropped for listeners that could not keep up</source>
        <translation>Frames overgeslagen voor luisteraars die het niet bijhielden</translation>
    </message>
    <message>
        <source>Time from a frame&apos;s arrival to its sending, for 99 % of frames</source>
        <translation>Tijd van de aankomst van een frame tot het versturen, voor 99 % van de frames</translation>
    </message>
    <message>
        <source>Listeners over the last minute</source>
        <translation>Luisteraars in de laatste minuut</translation>
    </message>
    <message>
        <source>Last minute</source>
        <translation>Laatste minuut</translation>
    </message>
    <message>
        <source>Hearing</source>
        <translation>Hoort het</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>niemand</translation>
    </message>
    <message>
        <source>%1 / %2 ms</source>
        <translation>%1 / %2 ms</translation>
    </message>
    <message>
        <source>What the listeners&apos; pages report playing; players such as VLC count as hearing while they read.</source>
        <translation>Wat de pagina&apos;s van de luisteraars melden af te spelen; spelers zoals VLC tellen als horend zolang ze lezen.</translation>
    </message>
    <message>
        <source>1 hears you</source>
        <translation>1 hoort je</translation>
    </message>
    <message>
        <source>%1 hear you</source>
        <translation>%1 horen je</translation>
    </message>
    <message>
        <source>%1 buffering</source>
        <translation>%1 bufferen</translation>
    </message>
    <message>
        <source>%1 tap-to-play</source>
        <translation>%1 tik nodig</translation>
    </message>
    <message>
        <source>%1 reconnecting</source>
        <translation>%1 verbinden opnieuw</translation>
    </message>
    <message>
        <source>%1 not reporting</source>
        <translation>%1 melden niets</translation>
    </message>
    <message>
        <source>%1: on air, but nobody has heard it for %2 s</source>
        <translation>%1: in de lucht, maar al %2 s hoort niemand het</translation>
    </message>
    <message>
        <source>%1: on air, but the input has been silent for %2 s</source>
        <translation>%1: in de lucht, maar de invoer is al %2 s stil</translation>
    </message>
    <message>
        <source>Mouth-to-ear delay the playing listeners report: median / worst</source>
        <translation>Vertraging van mond tot oor die de spelende luisteraars melden: mediaan / slechtste</translation>
    </message>
    <message>
        <source>Delay</source>
        <translation>Vertraging</translation>
    </message>
    <message>
        <source>this computer</source>
        <translation>deze computer</translation>
    </message>
    <message>
        <source>original audio (from %1)</source>
        <translation>origineel geluid (van %1)</translation>
    </message>
    <message>
        <source>silence</source>
        <translation>stilte</translation>
    </message>
</context>
<context>
    <name>onair::ToneSource</name>
    <message>
        <source>Test tone %1 Hz</source>
        <translation>Testtoon %1 Hz</translation>
    </message>
</context>
<context>
    <name>onair::WavFileSource</name>
    <message>
        <source>File %1</source>
        <translation>Bestand %1</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>kan %1 niet openen: %2</translation>
    </message>
    <message>
        <source>%1 is not a WAV file</source>
        <translation>%1 is geen WAV-bestand</translation>
    </message>
    <message>
        <source>%1: only 16-bit PCM mono or stereo WAV is supported</source>
        <translation>%1: alleen 16-bit PCM mono of stereo WAV wordt ondersteund</translation>
    </message>
    <message>
        <source>%1 has no audio</source>
        <translation>%1 bevat geen geluid</translation>
    </message>
    <message>
        <source>%1: cannot use its sample rate (%2)</source>
        <translation>%1: de samplefrequentie is niet bruikbaar (%2)</translation>
    </message>
</context>
</TS>
