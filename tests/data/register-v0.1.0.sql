-- A PhotoVet 0.1.0 register (schema and a few rows), made with the 0.1.0 code.
-- tests/core/test_migrations.py migrates it to today's schema.
PRAGMA application_id = 1347831124;
BEGIN TRANSACTION;
CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
INSERT INTO "_migrations" VALUES('audit-0001-log','2026-11-29T07:10:19+00:00');
INSERT INTO "_migrations" VALUES('register-0001-people','2026-11-29T07:10:19+00:00');
INSERT INTO "_migrations" VALUES('records-0001-exports','2026-11-29T07:10:19+00:00');
INSERT INTO "_migrations" VALUES('records-0002-purges','2026-11-29T07:10:19+00:00');
INSERT INTO "_migrations" VALUES('approval-0001-approvals','2026-11-29T07:10:19+00:00');
CREATE TABLE "approvals" (
   "sha256" TEXT PRIMARY KEY,
   "path" TEXT,
   "batch" TEXT,
   "status" TEXT,
   "preparer" TEXT,
   "prepared_at" TEXT,
   "approver" TEXT,
   "decided_at" TEXT,
   "comment" TEXT
);
INSERT INTO "approvals" VALUES('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa','/x/IMG_1.jpg','Sports day','approved','office','2026-11-29T07:10:19+00:00','head','2026-11-29T07:10:19+00:00','');
INSERT INTO "approvals" VALUES('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb','/x/IMG_2.jpg','Sports day','ready','office','2026-11-29T07:10:19+00:00',NULL,NULL,'');
CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            os_user TEXT NOT NULL,
            user TEXT NOT NULL,
            action TEXT NOT NULL,
            details TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
INSERT INTO "audit_log" VALUES(1,'2026-11-29T07:10:19.655169+00:00','root','office','register.import','{"consent_changes":0,"errors":0,"file":"reg.csv","import_id":"import-20261129T071019Z-023642","invalidated":0,"leavers":0,"missing":0,"new":4,"rejected":[],"rows":4,"sha256":"7811c2183e98b34fce3b9f77a2deac15b2f328d29077973ba5a052625f5dc2be","skipped_rows":[],"warnings":2,"withdrawals":0,"withdrawn":[]}','0000000000000000000000000000000000000000000000000000000000000000','46ae6da296e3e7585fc72e7f8693664a52e5cbac7233bcd52805a6e7483be9d2');
INSERT INTO "audit_log" VALUES(2,'2026-11-29T07:10:19.661846+00:00','root','Mrs Office','register.consent-edit','{"field":"facebook","new":"no","old":"yes","person_id":"A123456789012"}','46ae6da296e3e7585fc72e7f8693664a52e5cbac7233bcd52805a6e7483be9d2','70988816be8878aeac39634d5093a5d7ed5b93609503aa3ab15b21b7827a1272');
INSERT INTO "audit_log" VALUES(3,'2026-11-29T07:10:19.662660+00:00','root','office','register.channel-add','{"channel":"prospectus","label":"School prospectus"}','70988816be8878aeac39634d5093a5d7ed5b93609503aa3ab15b21b7827a1272','784f3d991cccca44a01d1848bb982574a4aaf8c02a700114afdffc6617c5c575');
INSERT INTO "audit_log" VALUES(4,'2026-11-29T07:10:19.725109+00:00','root','office','export-recorded','{"approver":"head","batch":"Sports day","channel":"website","export_id":1,"names_covered":["C123456789012"],"output":"/tmp/v010/files/exports/photo001.jpg","output_sha256":"f59bd80258f1385e619ec4b37adbcdf122b2f014e9cc55e8e2016df88716f2a3","people_blurred":["B123456789012"],"people_shown":["A123456789012"],"preparer":"office","source":"/tmp/v010/files/originals/photo001.JPG","source_sha256":"debb714b41dffb5b78560db295abee1199ca563621b50bedbc8bd677a5eed162"}','784f3d991cccca44a01d1848bb982574a4aaf8c02a700114afdffc6617c5c575','ebb473bae0a0553b4e8bd0913af8e7b47d7c95a0334d6eb10d1351e6e20f0564');
INSERT INTO "audit_log" VALUES(5,'2026-11-29T07:10:19.726139+00:00','root','comms','posted','{"batch":"Sports day","channel":"website","date":"2026-03-01","export_ids":[1],"files":[],"url":"https://example.org/p"}','ebb473bae0a0553b4e8bd0913af8e7b47d7c95a0334d6eb10d1351e6e20f0564','c22dad3e5fca852ff059918b2792178fd439c013bbdb2aaacfe89740e296ca1b');
INSERT INTO "audit_log" VALUES(6,'2026-11-29T07:10:19.726851+00:00','root','Mrs Office','register.consent-edit','{"field":"website","new":"no","old":"yes","person_id":"A123456789012"}','c22dad3e5fca852ff059918b2792178fd439c013bbdb2aaacfe89740e296ca1b','6c907ae6e7512e8031320ae0ca52289523675c8633666633d024b296f3480244');
INSERT INTO "audit_log" VALUES(7,'2026-11-29T07:10:19.730486+00:00','root','office','photo marked ready','{"batch":"Sports day","path":"/x/IMG_1.jpg","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}','6c907ae6e7512e8031320ae0ca52289523675c8633666633d024b296f3480244','93689ff2250badc394dd48fb8587ddf67fcc8a1765b2c349f740fe0e7ef76a04');
INSERT INTO "audit_log" VALUES(8,'2026-11-29T07:10:19.731369+00:00','root','head','photo approved','{"batch":"Sports day","comment":"","path":"/x/IMG_1.jpg","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}','93689ff2250badc394dd48fb8587ddf67fcc8a1765b2c349f740fe0e7ef76a04','fec19f52c301e6eb8f1ec2ff95c2ce7e95c776ab6ef40e6bf0f913200f7ed206');
INSERT INTO "audit_log" VALUES(9,'2026-11-29T07:10:19.732094+00:00','root','office','photo marked ready','{"batch":"Sports day","path":"/x/IMG_2.jpg","sha256":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}','fec19f52c301e6eb8f1ec2ff95c2ce7e95c776ab6ef40e6bf0f913200f7ed206','a010403f838bfa2dde3afac396d5c016f267f613147c276449f2c5233e56bb19');
CREATE TABLE audit_meta (key TEXT PRIMARY KEY, count INTEGER NOT NULL, last_id INTEGER NOT NULL, last_hash TEXT NOT NULL);
INSERT INTO "audit_meta" VALUES('chain',9,9,'a010403f838bfa2dde3afac396d5c016f267f613147c276449f2c5233e56bb19');
CREATE TABLE channels (name TEXT PRIMARY KEY, label TEXT NOT NULL, builtin INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL);
INSERT INTO "channels" VALUES('website','School website',1,0);
INSERT INTO "channels" VALUES('facebook','Facebook',1,1);
INSERT INTO "channels" VALUES('x','X (Twitter)',1,2);
INSERT INTO "channels" VALUES('instagram','Instagram',1,3);
INSERT INTO "channels" VALUES('newsletter','Newsletter',1,4);
INSERT INTO "channels" VALUES('press','Local press',1,5);
INSERT INTO "channels" VALUES('prospectus','School prospectus',0,6);
CREATE TABLE consent_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            person_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            old TEXT,
            new TEXT,
            time TEXT NOT NULL,
            source TEXT NOT NULL,
            import_id TEXT
        );
INSERT INTO "consent_history" VALUES(1,'A123456789012','website',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(2,'A123456789012','facebook',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(3,'A123456789012','x',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(4,'A123456789012','instagram',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(5,'A123456789012','newsletter',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(6,'A123456789012','press',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(7,'A123456789012','name_with_photo',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(8,'A123456789012','do_not_photograph',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(9,'B123456789012','website',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(10,'B123456789012','facebook',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(11,'B123456789012','x',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(12,'B123456789012','instagram',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(13,'B123456789012','newsletter',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(14,'B123456789012','press',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(15,'B123456789012','name_with_photo',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(16,'B123456789012','do_not_photograph',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(17,'C123456789012','website',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(18,'C123456789012','facebook',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(19,'C123456789012','x',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(20,'C123456789012','instagram',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(21,'C123456789012','newsletter',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(22,'C123456789012','press',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(23,'C123456789012','name_with_photo',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(24,'C123456789012','do_not_photograph',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(25,'D123456789012','website',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(26,'D123456789012','facebook',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(27,'D123456789012','x',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(28,'D123456789012','instagram',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(29,'D123456789012','newsletter',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(30,'D123456789012','press',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(31,'D123456789012','name_with_photo',NULL,'yes','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(32,'D123456789012','do_not_photograph',NULL,'no','2026-11-29T07:10:19+00:00','import:import-20261129T071019Z-023642','import-20261129T071019Z-023642');
INSERT INTO "consent_history" VALUES(33,'A123456789012','facebook','yes','no','2026-11-29T07:10:19+00:00','user:Mrs Office',NULL);
INSERT INTO "consent_history" VALUES(34,'A123456789012','website','yes','no','2026-11-29T07:10:19+00:00','user:Mrs Office',NULL);
CREATE TABLE consents (
            person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            channel TEXT NOT NULL,
            value TEXT NOT NULL CHECK (value IN ('yes', 'no', 'not recorded')),
            PRIMARY KEY (person_id, channel)
        );
INSERT INTO "consents" VALUES('A123456789012','website','no');
INSERT INTO "consents" VALUES('A123456789012','facebook','no');
INSERT INTO "consents" VALUES('A123456789012','x','no');
INSERT INTO "consents" VALUES('A123456789012','instagram','no');
INSERT INTO "consents" VALUES('A123456789012','newsletter','yes');
INSERT INTO "consents" VALUES('A123456789012','press','no');
INSERT INTO "consents" VALUES('A123456789012','name_with_photo','yes');
INSERT INTO "consents" VALUES('A123456789012','do_not_photograph','no');
INSERT INTO "consents" VALUES('B123456789012','website','yes');
INSERT INTO "consents" VALUES('B123456789012','facebook','no');
INSERT INTO "consents" VALUES('B123456789012','x','no');
INSERT INTO "consents" VALUES('B123456789012','instagram','no');
INSERT INTO "consents" VALUES('B123456789012','newsletter','yes');
INSERT INTO "consents" VALUES('B123456789012','press','no');
INSERT INTO "consents" VALUES('B123456789012','name_with_photo','no');
INSERT INTO "consents" VALUES('B123456789012','do_not_photograph','no');
INSERT INTO "consents" VALUES('C123456789012','website','yes');
INSERT INTO "consents" VALUES('C123456789012','facebook','yes');
INSERT INTO "consents" VALUES('C123456789012','x','yes');
INSERT INTO "consents" VALUES('C123456789012','instagram','yes');
INSERT INTO "consents" VALUES('C123456789012','newsletter','yes');
INSERT INTO "consents" VALUES('C123456789012','press','yes');
INSERT INTO "consents" VALUES('C123456789012','name_with_photo','no');
INSERT INTO "consents" VALUES('C123456789012','do_not_photograph','yes');
INSERT INTO "consents" VALUES('D123456789012','website','yes');
INSERT INTO "consents" VALUES('D123456789012','facebook','yes');
INSERT INTO "consents" VALUES('D123456789012','x','yes');
INSERT INTO "consents" VALUES('D123456789012','instagram','yes');
INSERT INTO "consents" VALUES('D123456789012','newsletter','yes');
INSERT INTO "consents" VALUES('D123456789012','press','yes');
INSERT INTO "consents" VALUES('D123456789012','name_with_photo','yes');
INSERT INTO "consents" VALUES('D123456789012','do_not_photograph','no');
CREATE TABLE encodings (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            encoding BLOB NOT NULL,
            dims INTEGER NOT NULL,
            photo_name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
INSERT INTO "encodings" VALUES(1,'B123456789012',X'9A9999999999B9BF4D2693C96432B9BF00B38CF92FCBB8BFB33F8629FB63B8BF66CC7F59C6FCB7BF195979899195B7BFCCE572B95C2EB7BF7F726CE927C7B6BF32FF6519F35FB6BFE58B5F49BEF8B5BF981859798991B5BF4BA552A9542AB5BFFE314CD91FC3B4BFB1BE4509EB5BB4BF644B3F39B6F4B3BF17D83869818DB3BFCA6432994C26B3BF7DF12BC917BFB2BF307E25F9E257B2BFE30A1F29AEF0B1BF969718597989B1BF482412894422B1BFFCB00BB90FBBB0BFAE3D05E9DA53B0BFC394FD314CD9AFBF29AEF091E20AAFBF8FC7E3F1783CAEBFF5E0D6510F6EADBF5BFAC9B1A59FACBFC113BD113CD1ABBF272DB071D202ABBF8D46A3D16834AABFF35F9631FF65A9BF597989919597A8BFBF927CF12BC9A7BF25AC6F51C2FAA6BF8BC562B1582CA6BFF1DE5511EF5DA5BF57F84871858FA4BFBD113CD11BC1A3BF222B2F31B2F2A2BF884422914824A2BFEE5D15F1DE55A1BF547708517587A0BF7421F76117729FBF4054DD2144D59DBF0C87C3E170389CBFD8B9A9A19D9B9ABFA4EC8F61CAFE98BF701F7621F76197BF3C525CE123C595BF088542A1502894BFD4B728617D8B92BFA0EA0E21AAEE90BFD83AEAC1ADA38EBF70A0B641076A8BBF080683C1603088BFA06B4F41BAF684BF38D11BC113BD81BFA06DD081DA067DBFD03869818D9376BF00040281402070BF609E3501E75963BF00D39C0134CD49BF80D39C0134CD493F809E3501E759633F100402814020703FE03869818D93763FB06DD081DA067D3F40D11BC113BD813FA86B4F41BAF6843F100683C16030883F78A0B641076A8B3FE03AEAC1ADA38E3FA4EA0E21AAEE903FD8B728617D8B923F0C8542A15028943F40525CE123C5953F741F7621F761973FA8EC8F61CAFE983FE0B9A9A19D9B9A3F1087C3E170389C3F4854DD2144D59D3F7821F76117729F3F587708517587A03FF05D15F1DE55A13F8C4422914824A23F242B2F31B2F2A23FC0113CD11BC1A33F58F84871858FA43FF4DE5511EF5DA53F8CC562B1582CA63F28AC6F51C2FAA63FC0927CF12BC9A73F5C7989919597A83FF45F9631FF65A93F9046A3D16834AA3F282DB071D202AB3FC413BD113CD1AB3F5CFAC9B1A59FAC3FF8E0D6510F6EAD3F90C7E3F1783CAE3F2CAEF091E20AAF3FC494FD314CD9AF3FB03D05E9DA53B03FFCB00BB90FBBB03F4A2412894422B13F969718597989B13FE40A1F29AEF0B13F307E25F9E257B23F7EF12BC917BFB23FCA6432994C26B33F18D83869818DB33F644B3F39B6F4B33FB2BE4509EB5BB43FFE314CD91FC3B43F4CA552A9542AB53F981859798991B53FE68B5F49BEF8B53F32FF6519F35FB63F80726CE927C7B63FCCE572B95C2EB73F1A5979899195B73F66CC7F59C6FCB73FB43F8629FB63B83F00B38CF92FCBB83F4E2693C96432B93F9A9999999999B93F',128,'B.jpg','2026-01-01T00:00:00+00:00');
CREATE TABLE export_people (
            export_id INTEGER NOT NULL REFERENCES exports(id),
            person TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('shown', 'blurred', 'named')),
            PRIMARY KEY (export_id, person, role)
        );
INSERT INTO "export_people" VALUES(1,'A123456789012','shown');
INSERT INTO "export_people" VALUES(1,'B123456789012','blurred');
INSERT INTO "export_people" VALUES(1,'C123456789012','named');
CREATE TABLE exports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at TEXT NOT NULL,
            batch TEXT NOT NULL,
            channel TEXT NOT NULL,
            output_path TEXT NOT NULL,
            output_sha256 TEXT NOT NULL,
            phash TEXT NOT NULL,
            phash_variants BLOB NOT NULL,
            source_path TEXT NOT NULL,
            source_sha256 TEXT NOT NULL,
            width INTEGER NOT NULL DEFAULT 0,
            height INTEGER NOT NULL DEFAULT 0,
            faces_blurred INTEGER NOT NULL DEFAULT 0,
            texts_covered INTEGER NOT NULL DEFAULT 0,
            people_shown TEXT NOT NULL DEFAULT '[]',
            people_blurred TEXT NOT NULL DEFAULT '[]',
            names_covered TEXT NOT NULL DEFAULT '[]',
            faces TEXT,
            preparer TEXT,
            approver TEXT
        );
INSERT INTO "exports" VALUES(1,'2026-11-29T07:10:19+00:00','Sports day','website','/tmp/v010/files/exports/photo001.jpg','f59bd80258f1385e619ec4b37adbcdf122b2f014e9cc55e8e2016df88716f2a3','7cca6b61c18a347a',X'7A348AC1616BCA7C6B3580C3616BCA7C5A3580C3615BCE7C523580C3617BCE7C7AB4CA41614BCE3C7A358243616BCE3C52B4C243615BCE7C723580C3615BCE7C7A34CA41716BCA3C6B3582C1716BCA3C5A35CAC1615BCA3C5B3584C3615BCA3C78B4CA51714BCA3C7A358A41716BCA3C7AB4C241615BCE3C7A3580C3615BCE3C793C8443715BCE2C','/tmp/v010/files/originals/photo001.JPG','debb714b41dffb5b78560db295abee1199ca563621b50bedbc8bd677a5eed162',640,480,0,0,'["A123456789012"]','["B123456789012"]','["C123456789012"]',NULL,'office','head');
CREATE TABLE imports (
            id TEXT PRIMARY KEY,
            time TEXT NOT NULL,
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            user TEXT NOT NULL,
            rows INTEGER NOT NULL,
            summary TEXT NOT NULL
        );
INSERT INTO "imports" VALUES('import-20261129T071019Z-023642','2026-11-29T07:10:19+00:00','reg.csv','7811c2183e98b34fce3b9f77a2deac15b2f328d29077973ba5a052625f5dc2be','office',4,'{"rows": 4, "new": 4, "consent_changes": 0, "withdrawals": 0, "leavers": 0, "invalidated": 0, "missing": 0, "errors": 0, "warnings": 2, "skipped_rows": []}');
CREATE TABLE people (
            id TEXT PRIMARY KEY,
            legal_forename TEXT NOT NULL DEFAULT '',
            legal_surname TEXT NOT NULL DEFAULT '',
            preferred_forename TEXT NOT NULL DEFAULT '',
            preferred_surname TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT 'pupil',
            year_group TEXT NOT NULL DEFAULT '',
            reg_group TEXT NOT NULL DEFAULT '',
            date_of_birth TEXT,
            leaving_date TEXT,
            notes TEXT NOT NULL DEFAULT '',
            valid INTEGER NOT NULL DEFAULT 1,
            invalid_reason TEXT NOT NULL DEFAULT '',
            source_line INTEGER,
            last_import TEXT,
            updated_at TEXT
        );
INSERT INTO "people" VALUES('A123456789012','Olivia','Bennett','Liv','','pupil','Year 3','3B',NULL,NULL,'',1,'',2,'import-20261129T071019Z-023642','2026-11-29T07:10:19+00:00');
INSERT INTO "people" VALUES('B123456789012','Muhammad','Iqbal','','','pupil','Year 4','4A',NULL,NULL,'',1,'',3,'import-20261129T071019Z-023642','2026-11-29T07:10:19+00:00');
INSERT INTO "people" VALUES('C123456789012','Sam','Reed','','','pupil','Year 5','5C',NULL,NULL,'',1,'',4,'import-20261129T071019Z-023642','2026-11-29T07:10:19+00:00');
INSERT INTO "people" VALUES('D123456789012','Catherine','Dufour','','','staff','','',NULL,NULL,'',1,'',5,'import-20261129T071019Z-023642','2026-11-29T07:10:19+00:00');
CREATE TABLE posts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            export_id INTEGER NOT NULL REFERENCES exports(id),
            channel TEXT NOT NULL,
            posted_on TEXT NOT NULL,
            url TEXT NOT NULL DEFAULT '',
            user TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (export_id, channel, posted_on, url)
        );
INSERT INTO "posts" VALUES(1,1,'website','2026-03-01','https://example.org/p','comms','2026-11-29T07:10:19+00:00');
CREATE TABLE purges (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source_path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            export_id INTEGER,
            method TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'deleted', 'failed')),
            pending_at TEXT NOT NULL,
            deleted_at TEXT,
            user TEXT
        );
INSERT INTO "purges" VALUES(1,'/x/IMG_0.jpg','cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc',1,'trash','deleted','2026-03-02T10:00:00+00:00','2026-03-02T10:00:01+00:00','office');
CREATE TABLE takedown_items (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            export_id INTEGER NOT NULL REFERENCES exports(id),
            channel TEXT NOT NULL,
            people TEXT NOT NULL DEFAULT '[]',
            reasons TEXT NOT NULL DEFAULT '{}',
            first_listed_at TEXT NOT NULL,
            done_at TEXT,
            done_by TEXT,
            note TEXT,
            UNIQUE (export_id, channel)
        );
INSERT INTO "takedown_items" VALUES(1,1,'website','["A123456789012"]','{"A123456789012": "No consent for School website"}','2026-11-29T07:10:19+00:00',NULL,NULL,NULL);
CREATE INDEX audit_log_action ON audit_log(action);
CREATE INDEX consent_history_person ON consent_history(person_id);
CREATE INDEX encodings_person ON encodings(person_id);
CREATE INDEX exports_batch ON exports(batch);
CREATE INDEX exports_output_sha ON exports(output_sha256);
CREATE INDEX exports_source_sha ON exports(source_sha256);
CREATE INDEX export_people_person ON export_people(person);
CREATE INDEX posts_export ON posts(export_id);
CREATE INDEX purges_source ON purges(source_path);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('consent_history',34);
INSERT INTO "sqlite_sequence" VALUES('audit_log',9);
INSERT INTO "sqlite_sequence" VALUES('encodings',1);
INSERT INTO "sqlite_sequence" VALUES('exports',1);
INSERT INTO "sqlite_sequence" VALUES('posts',1);
INSERT INTO "sqlite_sequence" VALUES('takedown_items',1);
INSERT INTO "sqlite_sequence" VALUES('purges',1);
COMMIT;
