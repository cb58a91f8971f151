"""Tiếng Việt: the default language of every message."""

MESSAGES: dict[str, str] = {
    # --- command line ---------------------------------------------------------------------
    "cli.description": (
        "hoso — hồ sơ, sổ sách điện tử của nhà trường: tệp PDF ký số lưu trong kho Git,\n"
        "kiểm tra tự động, duyệt bằng pull request, công bố cho thanh tra."
    ),
    "cli.epilog": (
        "Mã thoát: 0 hợp lệ · 1 có lỗi · 2 sai cú pháp lệnh · 3 lỗi cấu hình · 4 sai vị trí/tên tệp\n"
        "· 5 sai định dạng PDF · 6 thiếu chữ ký · 7 chữ ký hỏng · 8 không tin cậy · 9 vi phạm lịch sử\n"
        "· 10 không tìm thấy · 11 hồ sơ đã tồn tại · 70 lỗi của hoso. Đặt HOSO_LANG=en để dùng tiếng Anh."
    ),
    "cli.commands-title": "các lệnh",
    "cli.metavar-command": "LỆNH",
    "cli.metavar-dir": "THƯ_MỤC",
    "cli.metavar-path": "ĐƯỜNG_DẪN",
    "cli.metavar-file": "TỆP",
    "cli.metavar-type": "LOẠI",
    "cli.metavar-owner": "CHỦ_SỞ_HỮU",
    "cli.metavar-title": "TÊN",
    "cli.metavar-level": "CẤP_HỌC",
    "cli.opt-repo": "thư mục kho hồ sơ (mặc định: kho Git chứa thư mục hiện tại)",
    "cli.opt-format": "định dạng kết quả: text (mặc định) hoặc json",
    "cli.opt-version": "hiện phiên bản rồi thoát",
    "cli.error-label": "lỗi",
    "cli.see-help": "Xem hướng dẫn: {prog} --help",
    "cli.interrupted": "Đã dừng theo yêu cầu. Không tệp nào bị ghi dở.",
    "cli.internal-error": (
        "hoso {version} gặp lỗi nội bộ (không phải do dữ liệu của bạn). Không tệp hồ sơ nào bị thay đổi. "
        "Hãy gửi tệp nhật ký dưới đây cho bộ phận kỹ thuật."
    ),
    "cli.crash-log": "Chi tiết lỗi đã ghi vào: {path}",
    "cli.check.help": "kiểm tra hồ sơ theo danh mục (vị trí, định dạng, vệ sinh thư mục)",
    "cli.check.description": (
        "Kiểm tra các tệp trong records/: đúng vị trí theo catalog.yml, đúng định dạng PDF, không có\n"
        "tệp lạ. Mỗi lỗi in một dòng: đường dẫn: mã quy tắc: lỗi gì — cần làm gì."
    ),
    "cli.check.paths": "tệp hoặc thư mục cần kiểm tra (bản trên đĩa)",
    "cli.check.staged": "kiểm tra bản đã git add (dùng trong pre-commit)",
    "cli.check.all": "kiểm tra toàn bộ hồ sơ trong kho",
    "cli.check.summary": "in thêm bảng tổng hợp theo năm học và cấp sở hữu",
    "cli.check.no-cache": "không dùng bộ nhớ đệm (.git/hoso/)",
    "cli.add.help": "đặt một tệp PDF vào đúng chỗ trong records/ (không bao giờ ghi đè)",
    "cli.add.description": (
        "Sao chép TỆP vào records/<năm học>/<chủ sở hữu>/<loại>/<tên>.pdf, tên tệp lấy từ --title\n"
        "(bỏ dấu tiếng Việt), kiểm tra trước khi chép và git add tệp mới."
    ),
    "cli.add.file": "tệp PDF cần đưa vào kho",
    "cli.add.type": "mã loại hồ sơ trong catalog.yml, ví dụ ke-hoach-bai-day",
    "cli.add.owner": "mã giáo viên (people.yml) hoặc mã tổ, tùy loại hồ sơ",
    "cli.add.year": "năm học, ví dụ 2024-2025 (mặc định: năm học hiện tại)",
    "cli.add.title": "tên hồ sơ bằng tiếng Việt, dùng để đặt tên tệp",
    "cli.add.no-stage": "không git add tệp mới",
    "cli.init.help": "tạo kho hồ sơ mới cho một trường (danh mục theo Điều 21 của điều lệ trường)",
    "cli.init.description": (
        "Ghi catalog.yml, people.yml, locks.yml, trust/, .pre-commit-config.yaml, mkdocs.yml và\n"
        ".gitignore. Tệp đã có được giữ nguyên."
    ),
    "cli.init.dir": "thư mục của kho (mặc định: thư mục hiện tại)",
    "cli.init.level": "cấp học: thcs, thpt, nhieu-cap, tieu-hoc hoặc mam-non",
    "cli.init.name": 'tên trường, ví dụ "Trường THCS Hòa Bình"',
    "cli.validate-config.help": "kiểm tra catalog.yml, people.yml, locks.yml",
    "cli.validate-config.description": (
        "Kiểm tra cấu trúc và liên kết giữa catalog.yml, people.yml, locks.yml; lỗi kèm số dòng."
    ),
    # --- configuration ----------------------------------------------------------------------
    "config.error-label": "lỗi",
    "config.warning-label": "cảnh báo",
    "config.invalid": "Cấu hình không hợp lệ.",
    "config.fix-first": "Hãy sửa cấu hình trên rồi chạy lại (kiểm tra bằng: hoso validate-config).",
    "config.missing-file": "không tìm thấy tệp — tạo bằng lệnh: hoso init --level thcs (hoặc tieu-hoc, mam-non)",
    "config.not-utf8": "tệp không phải UTF-8 — lưu lại tệp với mã hóa UTF-8",
    "config.yaml-syntax": "sai cú pháp YAML ({detail}) — kiểm tra thụt lề, dấu hai chấm và dấu ngoặc kép",
    "config.not-mapping": "tệp phải là một bảng khóa: giá trị — xem mẫu do hoso init tạo",
    "config.missing": "thiếu mục bắt buộc '{field}' — thêm mục này",
    "config.pattern": "'{field}' có giá trị '{value}' không đúng dạng — xem mẫu do hoso init tạo",
    "config.choice": "'{field}' có giá trị '{value}' không hợp lệ — chọn một trong: {choices}",
    "config.int": "'{field}' phải là số nguyên, đang là '{value}'",
    "config.number": "'{field}' phải là một số, đang là '{value}'",
    "config.bool": "'{field}' phải là true hoặc false, đang là '{value}'",
    "config.date": "'{field}' phải là ngày dạng YYYY-MM-DD, ví dụ 2024-09-05; đang là '{value}'",
    "config.string": "'{field}' phải là chuỗi chữ, đang là '{value}'",
    "config.empty": "'{field}' không được để trống",
    "config.too-long": "'{field}' quá dài",
    "config.list": "'{field}' phải là một danh sách (mỗi mục bắt đầu bằng '- ')",
    "config.mapping": "'{field}' phải là một bảng khóa: giá trị",
    "config.list-empty": "'{field}' cần ít nhất một mục",
    "config.range": "'{field}' = '{value}' nằm ngoài giới hạn cho phép ({limit})",
    "config.invalid-value": "'{field}' có giá trị '{value}' không hợp lệ",
    "config.hint-slug": (
        "'{field}' = '{value}' phải viết thường, không dấu, nối bằng gạch ngang, ví dụ nguyen-van-an"
    ),
    "config.hint-year": "'{field}' = '{value}' phải là năm học dạng YYYY-YYYY liên tiếp, ví dụ 2024-2025",
    "config.hint-fingerprint": (
        "'{field}' = '{value}' phải là dấu vân tay SHA-256 của chứng thư (64 ký tự hex, có thể có dấu ':')"
    ),
    "config.unknown-key": "khóa lạ '{key}' trong '{where}' bị bỏ qua — kiểm tra chính tả",
    "config.retention": (
        "thời hạn bảo quản '{value}' không hợp lệ — ghi số năm (ví dụ 5), vinh-vien hoặc tra-hoc-sinh"
    ),
    "config.unknown-signer": "người ký '{value}' không có — chọn một trong: {choices}",
    "config.duplicate-id": "mã '{value}' bị trùng — mỗi mã chỉ dùng một lần",
    "config.unknown-role": "vai trò '{value}' không có — chọn một trong: {choices}",
    "config.unknown-group": "tổ '{value}' chưa khai báo trong groups — thêm tổ hoặc sửa mã",
    "config.role-needs-group": "vai trò '{role}' cần ghi rõ tổ (group: mã-tổ)",
    "config.dates-order": "ngày kết thúc (until) trước ngày bắt đầu (from) — sửa lại ngày",
    "config.cert-shared": "chứng thư này đã khai báo cho '{other}' — mỗi chứng thư thuộc về một người",
    "config.seal-missing": (
        "danh mục yêu cầu con dấu (con-dau) nhưng people.yml chưa có mục seal — thêm seal với dấu vân "
        "tay chứng thư số của nhà trường"
    ),
    "config.unknown-type": "loại hồ sơ '{value}' không có trong catalog.yml",
    "config.unknown-person": "người '{value}' không có trong people.yml",
    # --- git --------------------------------------------------------------------------------
    "git.not-installed": "không tìm thấy chương trình git — hãy cài Git rồi chạy lại",
    "git.failed": "lệnh {command} thất bại: {detail}",
    "git.missing-object": "kho Git thiếu nội dung của {path} ({oid}) — chạy git fsck để kiểm tra kho",
    # --- check ------------------------------------------------------------------------------
    "check.usage-all": "--all không dùng cùng --staged hay danh sách tệp",
    "check.usage-nothing": "chưa nói kiểm tra gì — thêm đường dẫn, --staged hoặc --all",
    "check.staged-needs-git": "--staged chỉ dùng trong một kho Git",
    "check.not-found": "không tìm thấy '{path}'",
    "check.outside-repo": "'{path}' nằm ngoài kho hồ sơ — dùng hoso add để đưa tệp vào kho",
    "check.ok": "Đã kiểm tra {count} tệp: tất cả hợp lệ.",
    "check.ok-pending": "Đã kiểm tra {count} tệp: không có lỗi; {pending} tệp chờ duyệt (còn thiếu chữ ký).",
    "check.failed": "Đã kiểm tra {count} tệp: {bad} tệp có lỗi ({problems} lỗi).",
    "summary.title": "Tổng hợp hồ sơ — {school}",
    "summary.year": "Năm học",
    "summary.owner": "Cấp",
    "summary.records": "Số hồ sơ",
    "summary.unplaced": "Sai vị trí",
    "status.da-duyet": "Đã duyệt",
    "status.cho-duyet": "Chờ duyệt",
    "status.khong-hop-le": "Không hợp lệ",
    "summary.total": "Tổng",
    "owner.truong": "Nhà trường",
    "owner.to": "Tổ chuyên môn",
    "owner.giao-vien": "Giáo viên",
    # --- validate-config --------------------------------------------------------------------
    "validate.ok": "Cấu hình hợp lệ: {types} loại hồ sơ, {people} người, {locks} lần khóa sổ.",
    "validate.failed": "Cấu hình có {count} lỗi.",
    # --- add --------------------------------------------------------------------------------
    "add.source-missing": "không tìm thấy tệp '{path}'",
    "add.unknown-type": "loại hồ sơ '{value}' không có trong catalog.yml — chọn một trong: {choices}",
    "add.bad-year": "năm học '{value}' không đúng dạng — viết YYYY-YYYY liên tiếp, ví dụ 2024-2025",
    "add.owner-needed": "loại '{type}' cần --owner: mã giáo viên hoặc mã tổ trong people.yml",
    "add.empty-slug": "không đặt được tên tệp từ '{value}' — thêm --title bằng chữ",
    "add.refused": "Chưa đưa '{path}' vào kho: hãy sửa các lỗi trên rồi chạy lại.",
    "add.exists": (
        "đã có hồ sơ tại {path}; hoso không bao giờ ghi đè — đặt tên khác bằng --title, hoặc bổ sung "
        "chữ ký cho hồ sơ đang có"
    ),
    "add.stage-failed": "đã chép tệp nhưng git add {path} thất bại — chạy git add thủ công",
    "add.done": "Đã đưa vào kho: {path}. Bước tiếp theo: git commit",
    # --- init -------------------------------------------------------------------------------
    "init.bad-level": "cấp học '{value}' không hợp lệ — chọn một trong: {choices}",
    "init.catalog-header": (
        "Danh mục hồ sơ, sổ sách của nhà trường (cấp {level}), tạo bởi hoso init.\n"
        "Loại hồ sơ theo Điều 21 điều lệ trường; thời hạn bảo quản có confirmed: false là giá trị\n"
        "chưa đối chiếu văn bản (Thông tư 08/2025/TT-BGDĐT): hãy kiểm tra trước khi dựa vào.\n"
        "Kiểm tra tệp này bằng: hoso validate-config"
    ),
    "init.site-index": (
        "# Hồ sơ, sổ sách điện tử\n\nTrang này được công bố cho cơ quan quản lý và thanh tra.\n"
    ),
    "init.kept": "giữ nguyên (đã có): {path}",
    "init.wrote": "đã tạo: {path}",
    "init.git-init": "đã tạo kho Git mới",
    "init.next-steps": (
        "Tiếp theo: điền thông tin trường trong catalog.yml, nhân sự trong people.yml, chạy\n"
        "hoso validate-config, rồi pre-commit install để bật kiểm tra khi commit."
    ),
    # --- rules: signatures ----------------------------------------------------------------
    "cli.metavar-branch": "NHÁNH",
    "cli.check.branch": "xét như đang ở nhánh này (mặc định: nhánh hiện tại); trên nhánh chính, hồ sơ phải đủ chữ ký",
    "signatures.invalid": "chữ ký không còn nguyên vẹn: {reasons}",
    "signatures.invalid.fix": "không dùng tệp này; lấy lại bản gốc đã ký (xem chi tiết: hoso verify {path})",
    "signatures.untrusted": "chữ ký không được chấp nhận: {reasons}",
    "signatures.untrusted.fix": "xem chi tiết bằng hoso verify {path}; ký lại bằng chứng thư hợp lệ của đúng người, đúng vai trò",
    "signatures.unreadable": "không đọc được các chữ ký trong tệp PDF",
    "signatures.unreadable.fix": "lấy lại bản gốc đã ký từ người ký",
    "signatures.missing": "chờ duyệt: còn thiếu chữ ký của {missing}",
    "signatures.missing.fix": "người còn thiếu ký bổ sung (hoso sign hoặc phần mềm ký số); trên nhánh chính chỉ nhận hồ sơ đã đủ chữ ký",
    "signatures.order": "đủ người ký nhưng sai thứ tự theo danh mục; còn chờ: {missing}",
    "signatures.order.fix": "ký lại theo đúng thứ tự người lập → người duyệt trong catalog.yml",
    "signatures.no-detail": "không rõ lý do",
    "signatures.or": " hoặc ",
    # --- sign ---------------------------------------------------------------------------------
    "cli.metavar-role": "VAI_TRÒ",
    "cli.sign.help": "ký số một hồ sơ bằng tệp PKCS#12 hoặc USB token (PKCS#11)",
    "cli.sign.description": "Thêm một chữ ký PAdES vào tệp (cập nhật nối tiếp, phần đã ký giữ nguyên). Mật khẩu/PIN lấy từ biến môi trường HOSO_P12_PASSPHRASE / HOSO_PKCS11_PIN hoặc được hỏi khi ký, không bao giờ ghi trên dòng lệnh.",
    "cli.sign.file": "tệp PDF cần ký",
    "cli.sign.role": "vai trò khi ký: giao-vien, to-truong, hieu-truong, … hoặc con-dau (chứng thư nhà trường)",
    "cli.sign.p12": "tệp chứng thư số PKCS#12 (.p12, .pfx)",
    "cli.sign.pkcs11-lib": "thư viện PKCS#11 của USB token (tệp .so / .dll của nhà cung cấp)",
    "cli.sign.token": "nhãn (label) của token",
    "cli.sign.key-label": "nhãn của khóa và chứng thư trên token (nếu token có nhiều khóa)",
    "cli.sign.visible": "thêm ô chữ ký nhìn thấy được ở trang đầu",
    "cli.sign.image": "ảnh chữ ký tay (PNG nền trong, mực xanh) hoặc ảnh con dấu (đỏ) đặt trong ô chữ ký, theo Nghị định 30/2020",
    "sign.image-missing": "không tìm thấy ảnh '{path}'",
    "sign.image-format": "'{path}' không phải ảnh PNG hoặc JPEG",
    "sign.prompt-passphrase": "Mật khẩu tệp chứng thư:",
    "sign.prompt-pin": "Mã PIN của token:",
    "sign.no-secret": "chưa có mật khẩu/PIN: đặt biến môi trường {env} hoặc chạy lệnh ở cửa sổ dòng lệnh để được hỏi",
    "sign.p12-missing": "không tìm thấy tệp chứng thư '{path}'",
    "sign.p12-unreadable": "không mở được tệp chứng thư '{path}' (sai mật khẩu hoặc tệp hỏng): {detail}",
    "sign.need-key": "cần --p12 TỆP, hoặc --pkcs11-lib THƯ_VIỆN cùng --token NHÃN",
    "sign.token-failed": "không ký được bằng token: {detail} — kiểm tra token đã cắm, đúng nhãn, đúng PIN",
    "sign.bad-role": "vai trò '{value}' không có — chọn một trong: {choices}",
    "sign.file-missing": "không tìm thấy tệp '{path}'",
    "sign.not-seal": "chứng thư này không phải chứng thư con dấu của nhà trường trong people.yml",
    "sign.role-not-held": "{name} hiện không giữ vai trò {role} theo people.yml — kiểm tra vai trò hoặc người ký",
    "sign.unknown-cert": "chứng thư (SHA-256 {fingerprint}) chưa khai báo cho ai trong people.yml — thêm vân tay vào certificates của người ký",
    "sign.reason": "{role} ký",
    "sign.failed": "không ký được '{path}': {detail}",
    "sign.done": "Đã ký {path}: {who} ({role}). Kiểm tra: hoso verify {path}",
    # --- history and the server hook ----------------------------------------------------------
    "cli.check.range": "kiểm tra một dải commit A..B (CI, máy chủ): nội dung mới và các quy tắc lịch sử",
    "cli.check.ref": "nhánh nhận dải commit (refs/heads/main hoặc main); nhánh chính bị kiểm tra chặt nhất",
    "cli.install-server-hook.help": "cài hook pre-receive vào kho Git trần (bare) trên máy chủ",
    "cli.install-server-hook.description": "Cài hook pre-receive chạy cùng các quy tắc của hoso check trên mọi lần push; không ai bỏ qua được.",
    "cli.install-server-hook.repo": "thư mục kho Git trần (bare), ví dụ /srv/git/truong.git",
    "check.usage-range": "--range không dùng cùng --all, --staged hay danh sách tệp",
    "check.unknown-rev": "không có commit hay nhánh '{value}' trong kho — kiểm tra tên, hoặc chạy git fetch",
    "check.bad-range": "dải commit '{value}' không hợp lệ — viết A..B, ví dụ origin/main..HEAD",
    "history.forever": "vĩnh viễn",
    "history.rewrite-approved": "hồ sơ đã duyệt bị viết lại ở commit {commit}: bản mới phải giữ nguyên các byte cũ và chỉ thêm chữ ký",
    "history.rewrite-approved.fix": "khôi phục bản đã duyệt; muốn bổ sung thì ký thêm (hoso sign), muốn sửa nội dung thì lập hồ sơ mới có lý do",
    "history.reason-missing": "thay đổi hoặc xóa hồ sơ ở commit {commit} mà không có lý do",
    "history.reason-missing.fix": "thêm dòng 'Ly-do: …' vào cuối lời commit (git commit --amend), rồi push lại",
    "history.locked": "hồ sơ thuộc năm học/loại đã khóa sổ (locks.yml), commit {commit} không có đề nghị sửa",
    "history.locked.fix": "thêm dòng 'De-nghi-sua: <đường dẫn tệp đề nghị sửa đã được hiệu trưởng ký>' vào lời commit",
    "history.request-missing": "tệp đề nghị sửa '{request}' (commit {commit}) không có trong kho",
    "history.request-missing.fix": "đưa tệp đề nghị sửa đã ký vào kho cùng lần push, hoặc sửa đường dẫn trong dòng De-nghi-sua",
    "history.request-unsigned": "tệp đề nghị sửa '{request}' (commit {commit}) không có chữ ký hợp lệ của hiệu trưởng",
    "history.request-unsigned.fix": "hiệu trưởng ký số đề nghị sửa rồi push lại",
    "history.retention": "xóa hồ sơ ở commit {commit} khi chưa hết thời hạn bảo quản (đến {until})",
    "history.retention.fix": "không xóa; hồ sơ phải được giữ đến hết thời hạn bảo quản trong catalog.yml",
    "history.disposal-missing": "xóa hồ sơ đã hết thời hạn bảo quản ở commit {commit} nhưng không dẫn quyết định hủy",
    "history.disposal-missing.fix": "thêm dòng 'Quyet-dinh-huy: <số, ngày quyết định của hội đồng>' vào lời commit",
    "history.governance-direct": "thay đổi cấu hình/tin cậy ở commit {commit} được đưa thẳng lên nhánh chính",
    "history.governance-direct.fix": "đưa thay đổi này qua một nhánh và một lần duyệt (merge), như mọi hồ sơ",
    "history.governance": "thay đổi cấu hình/tin cậy ở commit {commit}: cần người có thẩm quyền duyệt",
    "hook.checking": "hoso: đang kiểm tra {ref}",
    "hook.delete-protected": "hoso: không được xóa nhánh chính {ref}",
    "hook.force-push": "hoso: không được viết lại lịch sử nhánh chính {ref} (force-push) — lịch sử là nhật ký kiểm tra",
    "hook.refused": "hoso: lần push bị từ chối. Sửa các lỗi trên rồi push lại.",
    "install-hook.not-bare": "'{path}' không phải kho Git trần (bare) — tạo bằng: git init --bare {path}",
    "install-hook.kept-old": "hook pre-receive cũ được giữ lại tại {path}",
    "install-hook.done": "Đã cài hook: {path}",
    # --- approvals without a forge ----------------------------------------------------------
    "cli.metavar-person": "MÃ_NGƯỜI",
    "cli.metavar-remote": "REMOTE",
    "cli.metavar-reason": "LÝ_DO",
    "cli.opt-person": "mã của người thực hiện trong people.yml (mặc định: HOSO_PERSON, hoặc email git khớp people.yml)",
    "cli.opt-remote": "kho chung để push/fetch (mặc định: origin)",
    "cli.submit.help": "nộp hồ sơ: commit lên nhánh nop/<người>/<tên> và push để được duyệt",
    "cli.submit.description": "Commit các tệp đã git add (hoặc các tệp nêu ra) lên nhánh nộp riêng, rồi push lên kho chung để tổ trưởng / hiệu trưởng duyệt.",
    "cli.submit.paths": "tệp cần nộp (mặc định: những tệp đã git add)",
    "cli.submit.title": "tiêu đề lần nộp, dùng đặt tên nhánh",
    "cli.submit.no-push": "chỉ commit, chưa push",
    "cli.review.help": "xem các hồ sơ đang chờ duyệt, trạng thái và chữ ký còn thiếu",
    "cli.review.description": "Liệt kê các nhánh nộp chưa được duyệt, từng hồ sơ với trạng thái và chữ ký còn thiếu.",
    "cli.review.all": "liệt kê cả các nhánh đã duyệt",
    "cli.approve.help": "duyệt một lần nộp: ký bổ sung (nếu có chứng thư) rồi merge vào nhánh chính",
    "cli.approve.description": "Ký bổ sung từng hồ sơ của lần nộp (nếu có --p12 hoặc --pkcs11-lib), merge --no-ff vào nhánh chính với dòng Duyet-boi, kiểm tra như máy chủ rồi push.",
    "cli.approve.branch": "nhánh nộp, ví dụ nop/nguyen-van-an/tuan-05-toan-6a",
    "cli.approve.role": "vai trò khi ký bổ sung (mặc định: to-truong)",
    "cli.reject.help": "trả lại một lần nộp kèm lý do",
    "cli.reject.description": "Ghi lời từ chối (Tu-choi-boi, Ly-do) lên nhánh nộp; người nộp thấy bằng hoso status, sửa rồi nộp lại trên cùng nhánh.",
    "cli.reject.branch": "nhánh nộp bị trả lại",
    "cli.reject.reason": "lý do trả lại, người nộp sẽ đọc",
    "cli.status.help": "xem các lần nộp của tôi: chờ duyệt, bị trả lại (lý do), đã duyệt",
    "cli.status.description": "Trạng thái các nhánh nộp của một người.",
    "approvals.who": "không biết bạn là ai trong people.yml — thêm --person MÃ, đặt HOSO_PERSON, hoặc khai email git trong people.yml",
    "approvals.unknown-person": "'{value}' không có trong people.yml",
    "approvals.not-submission": "'{branch}' không phải nhánh nộp (nop/<người>/<tên>)",
    "approvals.no-branch": "không tìm thấy nhánh nộp '{branch}'",
    "approvals.git-failed": "git báo lỗi: {detail}",
    "submit.nothing": "chưa có gì để nộp — git add tệp hồ sơ hoặc nêu tệp sau hoso submit",
    "submit.message": "Nộp {count} tệp hồ sơ",
    "submit.switch-failed": "không chuyển được sang nhánh {branch}: {detail}",
    "submit.commit-refused": "commit bị từ chối (xem lỗi ở trên); các tệp vẫn được giữ nguyên ở trạng thái đã git add",
    "submit.done": "Đã nộp trên nhánh {branch}. Người duyệt xem bằng: hoso review",
    "submit.not-pushed": "Đã commit trên nhánh {branch} nhưng chưa push được; push lại bằng: git push -u origin {branch}",
    "review.open": "chờ duyệt",
    "review.merged": "đã duyệt",
    "review.rejected": "bị trả lại bởi {who}: {reason}",
    "review.count": "{count} lần nộp.",
    "reject.reason-needed": 'cần lý do trả lại (--ly-do "…")',
    "reject.subject": "Trả lại hồ sơ",
    "reject.done": "Đã trả lại {branch}: {reason}",
    "status.line-open": "{branch}: chờ duyệt",
    "status.line-merged": "{branch}: đã duyệt",
    "status.line-rejected": "{branch}: bị trả lại bởi {who} — {reason}",
    "status.count": "{person}: {count} lần nộp.",
    "approve.not-approver": "{name} hiện không giữ vai trò duyệt (tổ trưởng, tổ phó, hiệu trưởng, phó hiệu trưởng)",
    "approve.dirty": "thư mục làm việc còn thay đổi chưa commit — commit hoặc cất đi (git stash) trước khi duyệt",
    "approve.already": "'{branch}' đã được duyệt",
    "approve.subject": "Duyệt {branch}",
    "approve.countersign": "Ký duyệt ({person})",
    "approve.conflict": "không merge được '{branch}' vào nhánh chính (xung đột) — người nộp cần cập nhật nhánh",
    "approve.checks-failed": "'{branch}' chưa thể duyệt: còn lỗi ở trên; nhánh chính giữ nguyên",
    "approve.push-refused": "máy chủ từ chối (xem lỗi ở trên); nhánh chính trên máy giữ nguyên như trước",
    "approve.done": "Đã duyệt {branch} ({who}).",
    "cli.init.ci": (
        "ghi cấu hình CI kiểm tra hồ sơ ở mỗi pull/merge request và mỗi lần push (github, forgejo, gitlab;"
        " lặp lại được); tệp đã có được giữ nguyên"
    ),
    "cli.log.help": "nhật ký hồ sơ: ai nộp, duyệt, từ chối, sửa, ký bổ sung, xóa gì, khi nào, vì sao",
    "cli.log.description": (
        "Đọc lịch sử Git một lượt và liệt kê từng sự kiện, cũ trước mới sau: nộp, duyệt (merge có"
        " Duyet-boi), từ chối (Tu-choi-boi), sửa (Ly-do), ký bổ sung, xóa (Quyet-dinh-huy), đổi cấu hình."
    ),
    "cli.log.path": "chỉ các sự kiện của tệp hoặc thư mục này (kể cả hồ sơ đã xóa)",
    "cli.log.person": "chỉ các sự kiện của người này: mã trong people.yml, tên hoặc email tác giả commit",
    "cli.log.since": "chỉ các sự kiện từ ngày này trở đi (YYYY-MM-DD)",
    "cli.log.all": "xem mọi nhánh (cả bài nộp chưa duyệt, bị từ chối), không chỉ nhánh hiện tại",
    "log.not-git": "'{path}' không phải kho Git — chạy trong thư mục kho hồ sơ, hoặc dùng -C <thư mục kho>",
    "log.bad-date": "ngày '{value}' không hợp lệ — viết YYYY-MM-DD, ví dụ 2024-09-05",
    "log.outside-repo": "'{path}' nằm ngoài kho hồ sơ",
    "log.path-unknown": "'{path}' không có trong kho và không xuất hiện trong lịch sử — kiểm tra lại đường dẫn",
    "log.count": "{count} sự kiện",
    "log.none": "không có sự kiện nào",
    "log.line": "{date}  {kind}  {who}  {paths}",
    "log.reason": "lý do: {reason}",
    "log.disposal": "quyết định hủy: {ref}",
    "log.by": "bởi: {people}",
    "log.kind.nop": "nộp",
    "log.kind.duyet": "duyệt",
    "log.kind.tu-choi": "từ chối",
    "log.kind.sua": "sửa",
    "log.kind.ky-bo-sung": "ký bổ sung",
    "log.kind.xoa": "xóa",
    "log.kind.cau-hinh": "cấu hình",
    # --- bundle -------------------------------------------------------------------------------
    "cli.bundle.help": "in hồ sơ của một năm học ra một tệp PDF để đóng quyển (bìa, mục lục, số trang liên tục)",
    "cli.bundle.description": (
        "Gộp hồ sơ đã commit (HEAD) của một năm học thành một tệp PDF để in và đóng quyển như sổ giấy:\n"
        "bìa (trường, loại hồ sơ, chủ sở hữu, năm học, ngày in), mục lục (tên, đường dẫn, trạng thái,\n"
        "trang bắt đầu), rồi từng trang của mỗi hồ sơ với dòng chân trang (đường dẫn, phiên bản,\n"
        "trạng thái chữ ký, trang x/y) và số trang liên tục. Bản gốc có chữ ký số không bị thay đổi;\n"
        "bản in không phải bản gốc."
    ),
    "cli.bundle.year": "năm học, ví dụ 2024-2025",
    "cli.bundle.type": "chỉ loại hồ sơ này (mã trong catalog.yml, ví dụ ke-hoach-bai-day)",
    "cli.bundle.owner": "chỉ hồ sơ của người hoặc tổ này (mã trong people.yml); truong: hồ sơ cấp trường",
    "cli.bundle.out": "tệp PDF sẽ ghi ra (ghi đè nếu đã có)",
    "cli.bundle.print-date": "ngày in ghi trên bìa, YYYY-MM-DD (mặc định: hôm nay); cùng commit và ngày in cho cùng một tệp",
    "bundle.not-git": "'{path}' không phải kho git: bản in chỉ lấy hồ sơ đã commit",
    "bundle.no-commit": "không có commit '{rev}': bản in lấy hồ sơ đã commit — hãy commit trước",
    "bundle.bad-year": "'{year}' không phải năm học (dạng YYYY-YYYY, ví dụ 2024-2025)",
    "bundle.bad-date": "'{value}' không phải ngày dạng YYYY-MM-DD",
    "bundle.bad-out": "không ghi bản in vào '{path}': đó là thư mục, hoặc nằm trong records/ — chọn một tệp ở nơi khác",
    "bundle.unknown-year": "năm học {year} không có hồ sơ nào trong commit {commit} (các năm học có hồ sơ: {known})",
    "bundle.unknown-type": "loại hồ sơ '{type}' không có trong catalog.yml (các mã loại: {known})",
    "bundle.unknown-owner": "'{owner}' không phải mã người hay mã tổ trong people.yml (dùng truong cho hồ sơ cấp trường)",
    "bundle.empty": "không có hồ sơ nào khớp (năm học {year}{filters}) — không ghi tệp nào",
    "bundle.filter-type": "loại {type}",
    "bundle.filter-owner": "chủ sở hữu {owner}",
    "bundle.nothing-printable": "không in được hồ sơ nào trong {count} hồ sơ đã chọn (tệp mã hóa hoặc hỏng) — không ghi tệp nào",
    "bundle.written": "đã ghi {path}: in {records}/{total} hồ sơ, {pages} trang (commit {commit})",
    "bundle.skipped-line": "cảnh báo: không in {path}: {reason} — xem mục lục",
    "bundle.skip.encrypted": "tệp PDF bị mã hóa",
    "bundle.skip.empty": "tệp PDF không có trang nào",
    "bundle.skip.broken": "tệp PDF hỏng, không đọc được ({detail})",
    "bundle.owner-school": "Nhà trường",
    "bundle.pdf-title": "{title} — năm học {year} (bản in)",
    "bundle.cover.title-all": "HỒ SƠ, SỔ SÁCH",
    "bundle.cover.year": "Năm học {year}",
    "bundle.cover.owner": "Chủ sở hữu: {owner}",
    "bundle.cover.owner-all": "tất cả",
    "bundle.cover.types": "Loại hồ sơ: {types}",
    "bundle.cover.counts": "{records} hồ sơ ({printed} được in) · {pages} trang",
    "bundle.cover.print-date": "Ngày in: {date}",
    "bundle.cover.notice": "Bản in từ hồ sơ điện tử — không phải bản gốc có chữ ký số; bản gốc: {origin}",
    "bundle.cover.verify": "Chữ ký số chỉ kiểm tra được trên bản gốc (hoso verify, hoặc trang tra cứu hồ sơ của nhà trường). Trạng thái ghi trong bản in là trạng thái tại commit trên, vào ngày in.",
    "bundle.toc.title": "MỤC LỤC",
    "bundle.toc.title-more": "MỤC LỤC (tiếp theo)",
    "bundle.toc.col-no": "STT",
    "bundle.toc.col-record": "Hồ sơ",
    "bundle.toc.col-status": "Trạng thái",
    "bundle.toc.col-page": "Trang",
    "bundle.toc.skipped": "không in: {reason}",
    "bundle.footer.page": "trang {page}/{pages}",
    "bundle.footer.version": "phiên bản {oid}",
    "bundle.footer.copy": "bản in từ hồ sơ điện tử, không phải bản gốc",
    "cli.retention.help": "thời hạn bảo quản từng hồ sơ; --due: danh sách hồ sơ đã hết hạn trình Hội đồng xác định giá trị tài liệu",
    "cli.retention.description": (
        "Với mỗi hồ sơ trên HEAD: bảo quản đến ngày nào, vĩnh viễn hay theo sự kiện (trả học sinh), căn cứ"
        " pháp lý ghi trong catalog.yml và giá trị đã được đối chiếu hay chưa (confirmed). Lệnh này không"
        " bao giờ xóa hồ sơ: việc hủy cần quyết định của Hội đồng và một commit có Quyet-dinh-huy."
    ),
    "cli.retention.as-of": "tính đến ngày này (YYYY-MM-DD; mặc định: hôm nay)",
    "cli.retention.due": "chỉ liệt kê hồ sơ đã hết thời hạn bảo quản tính đến ngày đó",
    "cli.audit.help": "kiểm tra toàn vẹn: git fsck, đọc lại và băm lại mọi hồ sơ, xác minh lại chữ ký, so với lần trước",
    "cli.audit.description": (
        "Chạy git fsck --full; đọc lại từng hồ sơ trên HEAD, so mã blob (SHA-1) và SHA-256 đã ghi ở lần"
        " kiểm tra trước; xác minh lại chữ ký theo trust/ và people.yml hiện tại (dùng kết quả đã lưu khi"
        " không có gì thay đổi); báo những gì đổi từ lần trước: hồ sơ mới/bị bỏ, blob mất hoặc hỏng,"
        " trạng thái thay đổi, chứng thư số hết hạn. Trạng thái lưu trong .git/hoso/audit.json."
    ),
    "retention.no-commit": "kho '{path}' chưa có commit nào: chưa có hồ sơ để tính thời hạn bảo quản",
    "retention.date": "{day}/{month}/{year}",
    "retention.years": "{years} năm",
    "retention.after": "sau {date}",
    "retention.keep-unknown": "không rõ",
    "retention.col-until": "Bảo quản đến",
    "retention.col-state": "Tình trạng",
    "retention.col-checked": "Căn cứ",
    "retention.col-path": "Hồ sơ",
    "retention.col-type": "Loại hồ sơ",
    "retention.col-keep": "Thời hạn",
    "retention.col-source": "Nguồn",
    "retention.state.het-han": "hết hạn",
    "retention.state.con-han": "còn hạn",
    "retention.state.su-kien": "theo sự kiện",
    "retention.state.vinh-vien": "vĩnh viễn",
    "retention.state.khong-ro": "không rõ loại",
    "retention.confirmed": "đã đối chiếu",
    "retention.unconfirmed": "chưa đối chiếu",
    "retention.sources-title": "Căn cứ thời hạn bảo quản theo loại hồ sơ (catalog.yml):",
    "retention.summary": (
        "{total} hồ sơ trên HEAD, tính đến {date}: {ended} hết hạn, {kept} còn hạn, {forever} vĩnh viễn,"
        " {event} theo sự kiện, {unknown} không rõ loại"
    ),
    "retention.due": (
        "{count} hồ sơ đã hết thời hạn bảo quản tính đến {date}: danh sách trình Hội đồng xác định giá trị"
        " tài liệu. hoso không xóa gì; hủy hồ sơ cần quyết định của Hội đồng và một commit có Quyet-dinh-huy"
    ),
    "retention.due-none": "không có hồ sơ nào hết thời hạn bảo quản",
    "retention.due-events": (
        "{count} hồ sơ bảo quản theo sự kiện (trả học sinh) không có trong danh sách: trả cho học sinh theo"
        " quy định, không hủy theo thời hạn"
    ),
    "retention.unconfirmed-warning": (
        "{count} hồ sơ có thời hạn bảo quản chưa đối chiếu (confirmed: false): phải đối chiếu với Thông tư"
        " 08/2025/TT-BGDĐT trước khi đề nghị hủy"
    ),
    "audit.bad-today": "HOSO_TEST_TODAY='{value}' không hợp lệ — viết YYYY-MM-DD (biến này chỉ dùng khi kiểm thử)",
    "audit.no-commit": "kho '{path}' chưa có commit nào: chưa có gì để kiểm tra",
    "audit.state-unreadable": "không đọc được kết quả lần kiểm tra trước; lần này được coi là lần đầu",
    "audit.label-error": "[LỖI]",
    "audit.label-info": "[thông tin]",
    "audit.fsck": "git fsck: {detail}",
    "audit.fsck-more": "git fsck: còn {count} dòng nữa (chạy git fsck --full để xem hết)",
    "audit.missing": "không đọc được blob {oid}: đối tượng bị mất hoặc hỏng — khôi phục từ bản sao lưu hoặc một bản clone khác",
    "audit.corrupt": "nội dung đọc lại không khớp mã blob {oid}: dữ liệu trong .git/objects đã hỏng hoặc bị sửa — khôi phục từ bản sao lưu hoặc một bản clone khác",
    "audit.sha256-mismatch": "SHA-256 khác với lần kiểm tra trước ({before} → {now}) dù mã blob {oid} không đổi: có thể là giả mạo bằng va chạm SHA-1",
    "audit.new": "hồ sơ mới từ lần kiểm tra trước",
    "audit.modified": "nội dung đã thay đổi từ lần kiểm tra trước (blob {old} → {new})",
    "audit.removed": "không còn trên HEAD từ lần kiểm tra trước",
    "audit.verdict-changed": "trạng thái đổi từ «{before}» thành «{now}» từ lần kiểm tra trước",
    "audit.verdict-worse": "trạng thái đổi từ «{before}» thành «{now}» từ lần kiểm tra trước: {reasons}",
    "audit.invalid": "không hợp lệ: {reasons}",
    "audit.cert-expired": (
        "chứng thư số «{subject}» đã hết hạn từ lần kiểm tra trước (hết hạn {not_after}; {count} hồ sơ);"
        " chữ ký vẫn hợp lệ vì chứng thư còn hiệu lực lúc ký"
    ),
    "audit.cert-expired-first": (
        "chứng thư số «{subject}» đã hết hạn ngày {not_after} ({count} hồ sơ); chữ ký vẫn hợp lệ nếu chứng"
        " thư còn hiệu lực lúc ký"
    ),
    "audit.anchor-removed": "chứng thư gốc «{subject}» ({fingerprint}) đã bị gỡ khỏi trust/ từ lần kiểm tra trước",
    "audit.anchor-added": "chứng thư gốc «{subject}» được thêm vào trust/ từ lần kiểm tra trước",
    "audit.anchor-expired": "chứng thư gốc «{subject}» đã hết hạn từ lần kiểm tra trước (hết hạn {not_after})",
    "audit.anchor-expired-first": "chứng thư gốc «{subject}» đã hết hạn ngày {not_after}",
    "audit.previous": "so với lần kiểm tra trước ngày {date} (commit {head})",
    "audit.first-run": "lần kiểm tra đầu tiên: đã ghi SHA-256 của từng hồ sơ làm mốc cho các lần sau",
    "audit.summary": (
        "{records} hồ sơ ({mib} MiB) đã được đọc lại và băm lại; chữ ký: {verified} xác minh mới, {cached}"
        " dùng kết quả đã lưu; đã duyệt {da}, chờ duyệt {cho}, không hợp lệ {khl}"
    ),
    "audit.result-ok": "kiểm tra toàn vẹn: không phát hiện vấn đề",
    "audit.result-bad": "kiểm tra toàn vẹn: {count} vấn đề cần xử lý",
    # --- backup / restore -------------------------------------------------------------------
    "cli.metavar-backup": "BẢN_SAO_LƯU",
    "cli.backup.help": "sao lưu toàn bộ kho (mọi nhánh, thẻ, ghi chú) thành một bản đã kiểm chứng",
    "cli.backup.description": (
        "Tạo bản sao lưu đầy đủ: một tệp git bundle chứa mọi nhánh, thẻ, ghi chú và toàn bộ lịch sử,\n"
        "kèm manifest.json ghi mã SHA-256 của bundle và của từng tệp hồ sơ, cùng kết quả\n"
        "hoso check --all lúc sao lưu. Bản sao lưu được ghi vào thư mục tạm rồi mới đổi tên, nên một lần\n"
        "sao lưu bị ngắt không bao giờ để lại bản dở dang. Mã thoát 0 khi thành công (dùng được với cron)."
    ),
    "cli.backup.to": "thư mục chứa các bản sao lưu (phải có sẵn, ví dụ ổ đĩa sao lưu đã gắn)",
    "cli.backup.keep": "chỉ giữ N bản sao lưu mới nhất, xóa các bản cũ hơn sau khi bản mới đã hoàn tất",
    "cli.restore.help": "khôi phục một bản sao lưu vào thư mục mới và chứng minh nó đầy đủ",
    "cli.restore.description": (
        "Kiểm tra manifest và mã SHA-256 của bundle, tạo lại kho (mọi nhánh, thẻ, ghi chú) trong\n"
        "THƯ_MỤC, rồi chứng minh: git fsck --full, mọi tệp hồ sơ có đúng mã SHA-256, kết quả kiểm tra\n"
        "giống lúc sao lưu. BẢN_SAO_LƯU là thư mục hoso-backup-…, hoặc thư mục chứa chúng (lấy bản mới\n"
        "nhất). THƯ_MỤC phải chưa tồn tại hoặc trống; nếu có lỗi, THƯ_MỤC không bị thay đổi."
    ),
    "cli.restore.backup": "thư mục bản sao lưu (hoặc thư mục chứa các bản sao lưu: dùng bản mới nhất)",
    "cli.restore.dir": "thư mục khôi phục vào (chưa tồn tại hoặc trống)",
    "backup.not-a-repo": "{path} không phải kho Git — chạy lệnh trong kho hồ sơ hoặc dùng -C THƯ_MỤC",
    "backup.dest-missing": (
        "thư mục sao lưu {path} không tồn tại — hãy tạo thư mục hoặc gắn ổ đĩa sao lưu rồi chạy lại"
    ),
    "backup.dest-not-writable": (
        "không ghi được vào thư mục sao lưu {path} ({detail}) — kiểm tra quyền ghi và dung lượng trống"
    ),
    "backup.busy": "một lần sao lưu khác đang ghi vào {path} — chờ nó xong rồi chạy lại",
    "backup.empty-repo": "kho {path} chưa có commit nào — không có gì để sao lưu",
    "backup.verify-failed": (
        "bản sao lưu vừa tạo không qua được kiểm tra (git bundle verify) {path}: {detail} — "
        "bản sao lưu cũ vẫn giữ nguyên; kiểm tra ổ đĩa rồi chạy lại"
    ),
    "backup.io-error": (
        "lỗi khi ghi bản sao lưu vào {path}: {detail} — bản sao lưu cũ vẫn giữ nguyên; "
        "kiểm tra dung lượng trống và ổ đĩa rồi chạy lại"
    ),
    "backup.bad-keep": "--keep phải là số nguyên dương (nhận được {value})",
    "backup.lfs-note": (
        "Kho dùng Git LFS (filter=lfs): bundle chỉ chứa tệp con trỏ LFS; nội dung LFS chỉ có trong "
        "lfs-objects/ khi máy sao lưu đã cài git lfs và đã tải các đối tượng về .git/lfs/objects."
    ),
    "backup.lfs-missing": (
        "lưu ý: kho dùng Git LFS nhưng không có đối tượng LFS nào trong .git/lfs/objects — "
        "bản sao lưu chỉ chứa tệp con trỏ; cài git lfs và chạy git lfs fetch --all trước khi sao lưu"
    ),
    "backup.done": "Đã sao lưu {refs} tham chiếu, {records} tệp hồ sơ ({size} MB) vào {path}",
    "backup.check-warning": (
        "lưu ý: lúc sao lưu, hoso check --all báo {errors} lỗi (mã thoát {code}); bản sao lưu vẫn "
        "được tạo và ghi nhận kết quả này"
    ),
    "backup.stale-removed": "Đã xóa {count} thư mục tạm của lần sao lưu bị ngắt trước đó",
    "backup.rotated": "Đã xóa bản sao lưu cũ {path}",
    "restore.not-a-backup": (
        "{path} không phải bản sao lưu của hoso (không có manifest.json) và không chứa bản sao lưu nào"
    ),
    "restore.manifest-invalid": (
        "manifest {path} hỏng hoặc không đọc được ({detail}) — bản sao lưu này không dùng được, "
        "hãy dùng bản khác"
    ),
    "restore.manifest-version": (
        "manifest {path} có phiên bản {version} mà hoso này không đọc được — cập nhật hoso rồi chạy lại"
    ),
    "restore.manifest-modified": (
        "manifest {path} đã bị sửa sau khi sao lưu (mã SHA-256 không khớp) — từ chối khôi phục; "
        "hãy dùng bản sao lưu khác"
    ),
    "restore.bundle-corrupt": (
        "tệp bundle {path} bị hỏng hoặc bị sửa ({detail}) — từ chối khôi phục; hãy dùng bản sao lưu khác"
    ),
    "restore.target-not-empty": (
        "{path} đã tồn tại và không trống — chọn một thư mục mới hoặc thư mục trống"
    ),
    "restore.target-not-writable": "không tạo được {path} ({detail}) — kiểm tra quyền ghi",
    "restore.io-error": "lỗi khi khôi phục vào {path}: {detail} — {path} không bị thay đổi",
    "restore.report-title": "Khôi phục {backup} (sao lưu lúc {created}) vào {target}:",
    "restore.proof.refs": "đủ {count} tham chiếu (nhánh, thẻ, ghi chú), đúng commit như lúc sao lưu",
    "restore.proof.refs-failed": "thiếu hoặc sai tham chiếu: {detail} (cần {count})",
    "restore.proof.fsck": "git fsck --full: kho nguyên vẹn",
    "restore.proof.fsck-failed": "git fsck --full báo lỗi: {detail}",
    "restore.proof.records": "đủ {count} tệp hồ sơ, đúng mã SHA-256 như lúc sao lưu",
    "restore.proof.records-failed": "{bad}/{count} tệp hồ sơ thiếu hoặc sai mã SHA-256: {detail}",
    "restore.proof.check": "kết quả kiểm tra giống lúc sao lưu: mã thoát {code}, {findings} phát hiện",
    "restore.proof.check-failed": (
        "kết quả kiểm tra khác lúc sao lưu: trước mã thoát {code}, {findings} phát hiện; "
        "nay mã thoát {code_now}, {findings_now} phát hiện"
    ),
    "restore.ok": (
        "Khôi phục thành công vào {path}. Nhớ cài lại hook (pre-commit install, "
        "hoso install-server-hook) và địa chỉ remote: chúng không nằm trong bản sao lưu."
    ),
    "restore.failed": "Khôi phục KHÔNG đạt: {path} không được tạo. Hãy dùng bản sao lưu khác.",
    # --- trust --------------------------------------------------------------------------------
    "cli.metavar-action": "VIỆC",
    "cli.init.trust": "thêm bộ chứng thư gốc được tin cậy có sẵn (vn: Root CA quốc gia, Ban Cơ yếu Chính phủ, VNPT-CA)",
    "cli.trust.help": "quản lý chứng thư gốc được tin cậy trong trust/",
    "cli.trust.description": "Thêm bộ chứng thư gốc của Việt Nam, hoặc liệt kê các chứng thư trong trust/ kèm vân tay SHA-256.",
    "cli.trust.add": "thêm một bộ chứng thư có sẵn vào trust/ (không ghi đè tệp khác nội dung)",
    "cli.trust.bundle": "tên bộ chứng thư: vn",
    "cli.trust.list": "liệt kê chứng thư trong trust/ với thời hạn và vân tay SHA-256",
    "trust.item": "{file}: {subject} (hết hạn {until})",
    "trust.count": "{count} chứng thư được tin cậy. Hãy đối chiếu vân tay với trang của tổ chức chứng thực trước khi tin dùng.",
    "trust.unknown-bundle": "không có bộ chứng thư '{value}' — chọn một trong: {choices}",
    "trust.bad-pem": "tệp trong trust/ không đọc được ({detail}) — thay bằng tệp PEM tải từ trang của tổ chức chứng thực",
    "trust.kept": "giữ nguyên (đã có): {path}",
    "trust.added": "đã thêm: {path}",
    "trust.added-bundle": "Đã thêm bộ chứng thư '{bundle}'. Kiểm tra rồi commit thư mục trust/ (thay đổi cần được duyệt như mọi hồ sơ).",
    "trust.differs": "{path} đã có với nội dung khác; hoso không ghi đè — xem lại tệp đó rồi xóa nếu muốn thay",
    # --- rules: hygiene ---------------------------------------------------------------------
    "hygiene.traversal": "đường dẫn có thành phần '..', '.', rỗng, tuyệt đối hoặc dấu '\\'",
    "hygiene.traversal.fix": "đặt tệp theo dạng records/<năm học>/<chủ sở hữu>/<loại>/<tên>.pdf",
    "hygiene.control-char": "tên tệp có ký tự điều khiển",
    "hygiene.control-char.fix": "đổi tên tệp chỉ gồm chữ thường không dấu, số và gạch ngang",
    "hygiene.not-nfc": "tên tệp chưa chuẩn hóa Unicode NFC (thường do chép từ máy Mac)",
    "hygiene.not-nfc.fix": "đổi tên tệp không dấu, ví dụ dùng hoso add --title",
    "hygiene.symlink": "là liên kết tượng trưng (symlink), không phải tệp hồ sơ",
    "hygiene.symlink.fix": "thay bằng chính tệp PDF",
    "hygiene.submodule": "là một kho Git con (submodule), không được đặt trong records/",
    "hygiene.submodule.fix": "gỡ submodule khỏi records/",
    "hygiene.stray-file": "tệp lạ '{name}' trong records/: chỉ được chứa tệp .pdf",
    "hygiene.stray-file.fix": "xóa tệp này hoặc chuyển ra ngoài records/",
    "hygiene.case-collision": "trùng tên với '{other}' nếu không phân biệt chữ hoa/thường (lỗi trên Windows)",
    "hygiene.case-collision.fix": "đổi tên một trong hai tệp",
    # --- rules: placement -------------------------------------------------------------------
    "placement.outside-records": "tệp hồ sơ phải nằm trong thư mục records/",
    "placement.outside-records.fix": "đưa tệp vào kho bằng: hoso add TỆP --type LOẠI --owner MÃ --year NĂM",
    "placement.year": "thư mục năm học '{value}' không hợp lệ",
    "placement.year.fix": "dùng năm học dạng YYYY-YYYY liên tiếp, ví dụ records/2024-2025/",
    "placement.layout": "sai cấu trúc thư mục tại '{value}'",
    "placement.layout.fix": (
        "dùng records/<năm>/truong/<loại>/<tên>.pdf, records/<năm>/to/<mã tổ>/<loại>/<tên>.pdf hoặc "
        "records/<năm>/gv/<mã giáo viên>/<loại>/<tên>.pdf"
    ),
    "placement.slug": "tên '{value}' có chữ hoa, dấu, khoảng trắng hoặc ký tự lạ",
    "placement.slug.fix": (
        "chỉ dùng chữ thường không dấu, số và gạch ngang, ví dụ ke-hoach-day-hoc-toan-6.pdf "
        "(hoso add --title tự đặt tên)"
    ),
    "placement.extension": "tệp '{value}' không có đuôi .pdf",
    "placement.extension.fix": "hồ sơ phải là tệp PDF có đuôi .pdf viết thường",
    "placement.type-unknown": "loại hồ sơ '{value}' không có trong catalog.yml",
    "placement.type-unknown.fix": "dùng một mã loại trong catalog.yml, hoặc thêm loại này vào danh mục",
    "placement.type-owner": "loại '{type}' thuộc cấp '{owner}', nhưng tệp đặt ở cấp '{value}'",
    "placement.type-owner.fix": "chuyển tệp sang đúng thư mục của cấp '{owner}'",
    "placement.type-level": "loại '{type}' không áp dụng cho cấp học '{level}' của trường",
    "placement.type-level.fix": "chọn loại hồ sơ đúng cấp học, hoặc sửa levels của loại này trong catalog.yml",
    "placement.owner-unknown": "giáo viên '{value}' không có trong people.yml",
    "placement.owner-unknown.fix": "kiểm tra mã giáo viên, hoặc thêm người này vào people.yml",
    "placement.owner-role": "{value} không giữ vai trò giảng dạy trong năm học {year}",
    "placement.owner-role.fix": "kiểm tra năm học, hoặc bổ sung vai trò (from/until) trong people.yml",
    "placement.group-unknown": "tổ '{value}' không có trong people.yml",
    "placement.group-unknown.fix": "kiểm tra mã tổ, hoặc thêm tổ vào groups trong people.yml",
    "placement.group-inactive": "tổ '{value}' không hoạt động trong năm học {year}",
    "placement.group-inactive.fix": "kiểm tra năm học, hoặc sửa from/until của tổ trong people.yml",
    # --- rules: format ----------------------------------------------------------------------
    "format.too-large": "tệp nặng {size}, vượt giới hạn {limit}",
    "format.too-large.fix": "nén hoặc tách tệp PDF, hoặc sửa max_size_mb của loại hồ sơ trong catalog.yml",
    "format.empty": "tệp rỗng (0 byte)",
    "format.empty.fix": "chép lại đúng tệp PDF đã ký",
    "format.lfs-pointer": "đây là con trỏ Git LFS, chưa phải nội dung PDF",
    "format.lfs-pointer.fix": "tải nội dung về bằng: git lfs pull (hoặc cài Git LFS) rồi kiểm tra lại",
    "format.not-pdf": "nội dung không phải PDF (trông như {detail}) dù tên tệp là .pdf",
    "format.not-pdf.fix": "xuất lại tài liệu ra PDF và ký số, rồi thay tệp này",
    "format.truncated": "tệp PDF bị cắt cụt (thiếu phần kết thúc %%EOF), có thể do tải về dở dang",
    "format.truncated.fix": "tải hoặc chép lại tệp đầy đủ",
    "format.encrypted": "tệp PDF có mật khẩu / mã hóa, thanh tra không mở được",
    "format.encrypted.fix": "xuất lại PDF không đặt mật khẩu rồi ký số",
    "format.unreadable": "không đọc được cấu trúc PDF ({detail})",
    "format.unreadable.fix": "xuất lại tệp PDF từ phần mềm gốc rồi ký số",
    "format.no-pages": "tệp PDF không có trang nào",
    "format.no-pages.fix": "xuất lại tệp PDF có nội dung",
    # --- verify -------------------------------------------------------------------------------
    "cli.verify.help": "kiểm tra chữ ký số của tệp PDF (ngoại tuyến, theo trust/ và people.yml)",
    "cli.verify.description": (
        "Kiểm tra từng chữ ký số trong tệp PDF, không cần mạng: người ký và vai trò lúc ký\n"
        "(people.yml), thời điểm ký, tài liệu còn nguyên vẹn không, chuỗi chứng thư đến một CA trong\n"
        "trust/, hiệu lực chứng thư lúc ký, độ mạnh thuật toán. Mã thoát 0 khi mọi tệp toàn vẹn và tin cậy."
    ),
    "cli.verify.files": "tệp PDF cần kiểm tra",
    "verify.summary": "{ok}/{total} tệp có chữ ký hợp lệ",
    "verify.file-header": "{path}: {status}",
    "verify.file-verdict": "  Kết luận tệp: {status} (toàn vẹn: {integrity}; tin cậy: {trusted})",
    "verify.sig-header": "  Chữ ký {number} (trường {field}): {signer}",
    "verify.timestamp-header": "  Dấu thời gian tài liệu {number} (trường {field}): {signer}",
    "verify.person": "    người ký: {name} ({id}); vai trò lúc ký: {roles}",
    "verify.seal": "    con dấu (chứng thư tổ chức) của: {name}",
    "verify.person-unknown": "    người ký: không có trong people.yml",
    "verify.no-role": "không giữ vai trò nào",
    "verify.claimed-time": "    thời điểm ký (người ký khai): {time}",
    "verify.timestamp-time": "    thời điểm theo dấu thời gian: {time}",
    "verify.no-time": "    thời điểm ký: không có",
    "verify.integrity": "    nguyên vẹn: {intact}; phạm vi ký: {coverage}",
    "verify.coverage.entire-file": "toàn bộ tệp",
    "verify.coverage.entire-revision": "phiên bản {revision} của tệp (các phần thêm sau được kiểm tra riêng)",
    "verify.coverage.partial": "chỉ một phần đầu tệp",
    "verify.coverage.unclear": "không rõ ràng (/ByteRange bất thường)",
    "verify.coverage.unknown": "không xác định được",
    "verify.chain": "    chuỗi chứng thư: {chain}; dẫn đến CA tin cậy trong trust/: {trusted}",
    "verify.validity": "    chứng thư còn hiệu lực lúc ký: {valid}",
    "verify.algorithm": "    thuật toán: băm {digest}, khóa {key}",
    "verify.sig-verdict": "    kết luận chữ ký: {status}",
    "verify.reason-line": "{indent}- {message} — {fix}",
    "verify.yes": "có",
    "verify.no": "không",
    "verify.unknown": "không rõ",
    "verify.status.valid": "hợp lệ",
    "verify.status.invalid": "KHÔNG HỢP LỆ (chữ ký hỏng hoặc tài liệu bị sửa sau khi ký)",
    "verify.status.untrusted": "KHÔNG TIN CẬY (còn nguyên vẹn nhưng chứng thư, thuật toán hoặc người ký không đạt)",
    "verify.status.unsigned": "chưa có chữ ký số",
    "verify.status.unreadable": "không đọc được",
    "verify.status.not-found": "không tìm thấy tệp",
    "file.not-found": "không tìm thấy tệp",
    "file.not-found.fix": "kiểm tra lại đường dẫn",
    "file.unreadable": "không đọc được cấu trúc PDF để kiểm tra chữ ký",
    "file.unreadable.fix": "lấy lại bản gốc đã ký; nếu tệp có mật khẩu, xuất lại không mật khẩu rồi ký",
    "file.unsigned": "tệp chưa có chữ ký số nào",
    "file.unsigned.fix": "ký số tệp (hoso sign hoặc phần mềm ký số) rồi kiểm tra lại",
    "sig.contents-unreadable": "không đọc được nội dung chữ ký (/Contents hỏng hoặc bị cắt)",
    "sig.contents-unreadable.fix": "lấy lại bản gốc đã ký từ người ký",
    "sig.digest-mismatch": "nội dung đã bị thay đổi sau khi ký (mã băm không khớp)",
    "sig.digest-mismatch.fix": "không dùng tệp này; lấy lại bản gốc đã ký từ người ký",
    "sig.signature-invalid": "chữ ký số không khớp với chứng thư của người ký",
    "sig.signature-invalid.fix": "không dùng tệp này; đề nghị người ký ký lại",
    "sig.byte-range": "chữ ký không bao phủ trọn phiên bản đã ký (/ByteRange bất thường)",
    "sig.byte-range.fix": "không dùng tệp này; lấy lại bản gốc đã ký và ký lại nếu cần",
    "sig.forbidden-modification": "sau khi ký, tài liệu bị sửa ngoài việc thêm chữ ký (nội dung, trang, chú thích, ô nhập liệu…)",
    "sig.forbidden-modification.fix": "lấy lại bản đã ký trước lần sửa; mọi thay đổi nội dung phải làm trước khi ký, rồi ký lại",
    "sig.not-last-covers-file": "chữ ký cuối không bao phủ toàn bộ tệp: có dữ liệu thêm sau đó không phải chữ ký hay dữ liệu xác thực",
    "sig.not-last-covers-file.fix": "lấy lại bản gốc kết thúc bằng chữ ký cuối cùng",
    "sig.timestamp-invalid": "dấu thời gian của chữ ký bị hỏng",
    "sig.timestamp-invalid.fix": "lấy lại bản gốc đã ký, hoặc ký lại có dấu thời gian",
    "sig.timestamp-untrusted": "dấu thời gian của chữ ký không do đơn vị cấp dấu thời gian tin cậy cấp",
    "sig.timestamp-untrusted.fix": "thêm chứng thư CA của đơn vị cấp dấu thời gian vào trust/ nếu tin cậy được",
    "sig.untrusted-chain": "chứng thư người ký không dẫn đến CA tin cậy nào trong trust/",
    "sig.untrusted-chain.fix": "dùng chứng thư của tổ chức chứng thực được cấp phép; nếu CA đúng, thêm chứng thư CA vào trust/",
    "sig.self-signed": "chứng thư người ký tự cấp, không do tổ chức chứng thực cấp",
    "sig.self-signed.fix": "ký lại bằng chứng thư số do tổ chức chứng thực được cấp phép cấp",
    "sig.expired-at-signing": "chứng thư đã hết hạn vào thời điểm ký",
    "sig.expired-at-signing.fix": "gia hạn chứng thư số rồi ký lại",
    "sig.not-yet-valid-at-signing": "chứng thư chưa có hiệu lực vào thời điểm ký",
    "sig.not-yet-valid-at-signing.fix": "kiểm tra đồng hồ máy ký; ký lại khi chứng thư đã có hiệu lực",
    "sig.revoked": "chứng thư đã bị thu hồi trước thời điểm ký",
    "sig.revoked.fix": "ký lại bằng chứng thư số còn hiệu lực",
    "sig.key-usage": "chứng thư không được phép dùng để ký (thiếu digitalSignature / nonRepudiation)",
    "sig.key-usage.fix": "ký lại bằng chứng thư số dùng cho chữ ký số",
    "sig.weak-digest": "thuật toán băm yếu (SHA-1/MD5), không đạt Thông tư 15/2025/TT-BKHCN",
    "sig.weak-digest.fix": "ký lại với SHA-256 trở lên",
    "sig.weak-key": "khóa ký quá ngắn (cần RSA ≥ 2048 bit hoặc ECDSA ≥ 256 bit)",
    "sig.weak-key.fix": "ký lại bằng chứng thư có khóa đủ mạnh",
    "sig.weak-chain": "chứng thư trong chuỗi dùng thuật toán yếu (SHA-1/MD5 hoặc khóa ngắn)",
    "sig.weak-chain.fix": "ký lại bằng chứng thư do CA dùng thuật toán đạt chuẩn cấp",
    "sig.unknown-signer": "chứng thư người ký không có trong people.yml",
    "sig.unknown-signer.fix": "thêm vân tay SHA-256 của chứng thư vào people.yml cho đúng người, hoặc ký lại bằng chứng thư đã khai báo",
    "sig.no-role-at-signing": "người ký không giữ vai trò nào vào ngày ký (theo people.yml)",
    "sig.no-role-at-signing.fix": "kiểm tra from/until của vai trò trong people.yml",
    "sig.no-signing-time": "chữ ký không ghi thời điểm ký",
    "sig.no-signing-time.fix": "ký lại bằng phần mềm ghi thời điểm ký (hoặc dấu thời gian)",
}
