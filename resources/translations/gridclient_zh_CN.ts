<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="145"/>
        <source>Your input is kept. Note what you typed, close this window, open it again and redo the change.</source>
        <extracomment>Older eyes on small laptop screens: nothing in a form below this size.</extracomment>
        <translation>您填写的内容仍保留。请记下所填内容，关闭此窗口后重新打开，再修改一次。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="150"/>
        <source>Close this window and refresh the list; the record may have been removed.</source>
        <translation>请关闭此窗口并刷新列表；该记录可能已被删除。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="156"/>
        <source>Your input is kept. Try saving again; if it still fails, contact your IT staff.</source>
        <translation>您填写的内容仍保留。请再保存一次；如仍失败，请联系信息员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/form_common.py" line="159"/>
        <source>Saving failed because of an unexpected error ({name}). Your input is kept. Try again; if it still fails, send the log file to your IT staff.</source>
        <translation>保存失败，发生了意外错误（{name}）。您填写的内容仍保留。请重试；如仍失败，请把日志文件发给信息员。</translation>
    </message>
</context>
<context>
    <name>ActionForm</name>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="365"/>
        <source>Back to the grid</source>
        <translation>退回网格办理</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="368"/>
        <source>Choose the grid or type a department name</source>
        <translation>选择网格，或输入部门名称</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="371"/>
        <source>(choose)</source>
        <translation>（请选择）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="379"/>
        <source>Assign to</source>
        <translation>派遣给</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="382"/>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="384"/>
        <source>Comment</source>
        <translation>意见说明</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="386"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="387"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="413"/>
        <source>Write a comment for this step.</source>
        <translation>请填写本步骤的意见说明。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="418"/>
        <source>Choose the grid or type a department.</source>
        <translation>请选择网格或输入部门。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="421"/>
        <source>Choose the resident&apos;s satisfaction.</source>
        <translation>请选择群众满意度。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="425"/>
        <source>Photos are still being prepared; save again in a moment.</source>
        <translation>照片仍在处理中，请稍后再保存。</translation>
    </message>
</context>
<context>
    <name>AreaTree</name>
    <message>
        <location filename="../../gridclient/ui/area_tree.py" line="41"/>
        <source>All my areas ({count} households)</source>
        <translation>我的全部区域（{count} 户）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/area_tree.py" line="54"/>
        <source>{name} ({count})</source>
        <translation>{name}（{count}）</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="51"/>
        <source>Visit coverage this month</source>
        <translation>本月走访覆盖率</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="52"/>
        <source>Households not visited</source>
        <translation>未走访住户</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/dashboard.py" line="55"/>
        <source>in the last %n day(s)</source>
        <translation>
            <numerusform>近 %n 天</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="60"/>
        <source>Show these households</source>
        <translation>查看这些住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="66"/>
        <source>Open events</source>
        <translation>在办事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="67"/>
        <source>Show open events</source>
        <translation>查看在办事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="71"/>
        <source>Overdue events</source>
        <translation>超期事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="72"/>
        <source>Show overdue events</source>
        <translation>查看超期事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="76"/>
        <source>Waiting to sync</source>
        <translation>待同步</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="85"/>
        <source>Today&apos;s work</source>
        <translation>工作台</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="112"/>
        <source>{visited} of {total} households visited</source>
        <translation>已走访 {visited} 户，共 {total} 户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="117"/>
        <source>households</source>
        <translation>户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="124"/>
        <source>changes saved on this computer, not yet sent to the server</source>
        <translation>条修改已保存在本机，尚未上传到服务器</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="126"/>
        <source>everything is sent</source>
        <translation>全部已上传</translation>
    </message>
</context>
<context>
    <name>EventDialog</name>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="495"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="498"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="505"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="516"/>
        <source>Category</source>
        <translation>事项类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="517"/>
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="518"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="519"/>
        <source>Reported by</source>
        <translation>上报人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="520"/>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="521"/>
        <source>Household</source>
        <translation>关联户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="522"/>
        <source>Location</source>
        <translation>发生地点</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="523"/>
        <source>People involved</source>
        <translation>涉及人员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="524"/>
        <source>Description</source>
        <translation>事件描述</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="525"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="547"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="548"/>
        <source>Who</source>
        <translation>办理人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="549"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="550"/>
        <source>Comment</source>
        <translation>意见说明</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="552"/>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="555"/>
        <source>Assigned to</source>
        <translation>派遣对象</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="562"/>
        <source>No further step for your role.</source>
        <translation>您的角色目前没有可办理的步骤。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="565"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="579"/>
        <source>Timeline</source>
        <translation>办理过程</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="592"/>
        <source>{time} (device clock)</source>
        <translation>{time}（本机时间）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="596"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="610"/>
        <source>Event not found</source>
        <translation>找不到该事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="629"/>
        <source>{count} photo(s)</source>
        <translation>{count} 张照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="638"/>
        <source>State: {state}</source>
        <translation>状态：{state}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="640"/>
        <source>Deadline: {deadline}</source>
        <translation>办理期限：{deadline}</translation>
    </message>
</context>
<context>
    <name>EventReportDialog</name>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="132"/>
        <source>Report event</source>
        <extracomment>Actions whose comment is required (a reason or a result has to be written down).</extracomment>
        <translation>上报事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="139"/>
        <source>Type to search categories</source>
        <translation>输入文字查找事项</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="157"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="159"/>
        <source>Resolved on the spot (self-resolve)</source>
        <translation>已当场解决（自处置）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="161"/>
        <source>How it was resolved</source>
        <translation>处置情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="167"/>
        <source>Category</source>
        <translation>事项类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="170"/>
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="171"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="172"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="174"/>
        <source>Description</source>
        <translation>事件描述</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="175"/>
        <source>Location</source>
        <translation>发生地点</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="176"/>
        <source>People involved</source>
        <translation>涉及人员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="177"/>
        <source>Household</source>
        <translation>关联户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="178"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="180"/>
        <source>Resolution</source>
        <translation>处置结果</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="183"/>
        <location filename="../../gridclient/ui/event_dialogs.py" line="266"/>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="183"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="221"/>
        <source>The event catalog is empty. Synchronise once to download it.</source>
        <translation>事项清单为空。请先同步一次以下载事项清单。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="247"/>
        <source>Group: {group} · Time limit: {limits}</source>
        <translation>分类：{group} · 办理时限：{limits}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="259"/>
        <source>same day</source>
        <translation>当天</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="259"/>
        <source>{days} days</source>
        <translation>{days} 天</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="266"/>
        <source>Save as self-resolved</source>
        <translation>保存为自处置</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="271"/>
        <source>Choose a category from the list.</source>
        <translation>请从清单中选择事项类别。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="274"/>
        <source>Enter a short title.</source>
        <translation>请填写简短标题。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="279"/>
        <source>Write down how it was resolved.</source>
        <translation>请填写处置情况。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/event_dialogs.py" line="285"/>
        <source>Photos are still being prepared; save again in a moment.</source>
        <translation>照片仍在处理中，请稍后再保存。</translation>
    </message>
</context>
<context>
    <name>HouseholdDialog</name>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="153"/>
        <source>Household</source>
        <translation>关联户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="153"/>
        <source>New household</source>
        <translation>新建住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="178"/>
        <source>Household tags</source>
        <translation>户标签</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="186"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="188"/>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="189"/>
        <location filename="../../gridclient/ui/household_dialog.py" line="208"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="191"/>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="193"/>
        <source>Micro-grid</source>
        <translation>微网格</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="194"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="200"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="201"/>
        <source>Relation</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="202"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="204"/>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="207"/>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="209"/>
        <source>Special groups</source>
        <translation>特殊群体</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="215"/>
        <source>Add resident…</source>
        <translation>添加成员…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="217"/>
        <source>Edit resident…</source>
        <translation>修改成员…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="219"/>
        <location filename="../../gridclient/ui/household_dialog.py" line="474"/>
        <source>Remove resident</source>
        <translation>删除成员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="225"/>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="241"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="242"/>
        <source>Method</source>
        <translation>走访方式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="243"/>
        <source>Content</source>
        <translation>走访内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="244"/>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="251"/>
        <source>Category</source>
        <translation>事项类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="252"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="253"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="255"/>
        <source>Deadline</source>
        <translation>办理期限</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="259"/>
        <location filename="../../gridclient/ui/household_dialog.py" line="260"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="270"/>
        <source>Household and members</source>
        <translation>户信息与成员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="271"/>
        <source>Visits</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="272"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="274"/>
        <source>Record visit…</source>
        <translation>登记走访…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="276"/>
        <source>Report event…</source>
        <translation>上报事件…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="282"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="284"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="298"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="322"/>
        <source>This household no longer exists (deleted or moved out of your area).</source>
        <translation>该户已不存在（已删除或已移出您的管辖范围）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="339"/>
        <source>{address} · {grid}</source>
        <translation>{address} · {grid}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="348"/>
        <source>New household · {grid}</source>
        <translation>新建住户 · {grid}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="377"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="390"/>
        <source>The household will move to this grid when you save; its micro-grid is cleared.</source>
        <translation>保存后该户将移到此网格，原微网格将清空。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="472"/>
        <source>Remove {name} from this household? The record is marked deleted when you save.</source>
        <translation>确定从本户删除{name}吗？保存后该成员记录将标记为已删除。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="485"/>
        <source>Enter the address.</source>
        <translation>请填写地址。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/household_dialog.py" line="518"/>
        <source>Some fields need attention (shown in red).</source>
        <translation>有些内容需要修改（见红字提示）。</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="91"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="96"/>
        <source>GridClient locked itself because nobody used it for a while, to protect residents&apos; personal information.
{name}, enter your password to continue.</source>
        <translation>为保护居民个人信息，网格通在一段时间无人操作后已自动锁定。
{name}，请输入密码继续使用。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="105"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="108"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="145"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="149"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="167"/>
        <source>Wrong password. Please try again.</source>
        <translation>密码错误，请重试。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="171"/>
        <source>The key file of this computer&apos;s data cannot be read. Please call your IT contact.</source>
        <translation>无法读取本机数据的密钥文件。请联系信息员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="176"/>
        <source>Could not check the password: {error}</source>
        <translation>无法验证密码：{error}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="97"/>
        <source>GridClient</source>
        <translation>网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="97"/>
        <source>GridClient (demo)</source>
        <translation>网格通（演示）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="125"/>
        <source>All households</source>
        <translation>全部住户</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="127"/>
        <source>Not visited in %n day(s)</source>
        <translation>
            <numerusform>%n 天未走访</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="135"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="141"/>
        <source>All residents</source>
        <translation>全部人员</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="149"/>
        <source>%n resident(s)</source>
        <translation>
            <numerusform>共 %n 人</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="151"/>
        <source>Special group:</source>
        <translation>特殊人群：</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="159"/>
        <source>%n visit(s)</source>
        <translation>
            <numerusform>共 %n 条走访</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="166"/>
        <source>All events</source>
        <translation>全部事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="167"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="168"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="169"/>
        <source>Finished</source>
        <translation>已办结</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="177"/>
        <source>%n event(s)</source>
        <translation>
            <numerusform>共 %n 件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="179"/>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="186"/>
        <source>{name} ({role}) · {scope}</source>
        <translation>{name}（{role}）· {scope}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="198"/>
        <source>Dashboard</source>
        <translation>工作台</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="199"/>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="201"/>
        <source>Visits</source>
        <translation>走访</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="202"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="238"/>
        <source>New visit (Ctrl+N)</source>
        <translation>新增走访 (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="241"/>
        <source>Report event (Ctrl+E)</source>
        <translation>上报事件 (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="243"/>
        <source>Search (Ctrl+F)</source>
        <translation>搜索 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="244"/>
        <source>Refresh (F5)</source>
        <translation>刷新 (F5)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="245"/>
        <source>Lock (Ctrl+L)</source>
        <translation>锁定 (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="248"/>
        <source>Tab {number}</source>
        <translation>第 {number} 页</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="252"/>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="264"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="265"/>
        <source>Export diagnostics bundle…</source>
        <translation>导出诊断包…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="293"/>
        <source>Export diagnostics bundle</source>
        <translation>导出诊断包</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="295"/>
        <source>Zip archives (*.zip)</source>
        <translation>压缩包 (*.zip)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="314"/>
        <location filename="../../gridclient/ui/main_window.py" line="325"/>
        <source>Diagnostics bundle</source>
        <translation>诊断包</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="316"/>
        <source>The diagnostics bundle was saved to {path}. It holds logs, versions and settings, no personal data. Send it to your IT contact.</source>
        <translation>诊断包已保存到 {path}。其中只有日志、版本和设置信息，不含个人信息。请将其发送给信息化管理员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="326"/>
        <source>The diagnostics bundle could not be saved: {error}</source>
        <translation>诊断包保存失败：{error}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="424"/>
        <source>%n change(s) waiting to sync</source>
        <translation>
            <numerusform>待同步 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="426"/>
        <source>Never synced</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="429"/>
        <source>Last sync: {when}</source>
        <translation>上次同步：{when}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="430"/>
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>冲突 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="439"/>
        <source>● Online</source>
        <translation>● 在线</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="442"/>
        <source>○ Offline</source>
        <translation>○ 离线</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="448"/>
        <source>Could not load the data: {error}</source>
        <translation>无法读取数据：{error}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="530"/>
        <source>That was the last household in the list.</source>
        <translation>已经是列表中的最后一户。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="563"/>
        <source>Select a household first.</source>
        <translation>请先选择一户。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="570"/>
        <source>Select a grid first.</source>
        <translation>请先选择一个网格。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="200"/>
        <source>Residents</source>
        <translation>人员</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="133"/>
        <source>%n household(s)</source>
        <translation>
            <numerusform>共 %n 户</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MaskedField</name>
    <message>
        <location filename="../../gridclient/ui/masked_field.py" line="63"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/masked_field.py" line="65"/>
        <source>Show the full number; the reveal is recorded in the audit log</source>
        <translation>显示完整号码；查看操作会记入审计日志</translation>
    </message>
</context>
<context>
    <name>PhotoPicker</name>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="121"/>
        <source>Add photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="123"/>
        <source>Remove photo</source>
        <translation>删除照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="146"/>
        <source>Choose photos</source>
        <translation>选择照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="148"/>
        <source>Images (*.jpg *.jpeg *.png *.bmp)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.bmp)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="219"/>
        <source>Preparing photos…</source>
        <translation>正在处理照片…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/photos.py" line="221"/>
        <source>{count} photo(s)</source>
        <translation>{count} 张照片</translation>
    </message>
</context>
<context>
    <name>ResidentForm</name>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="117"/>
        <source>Resident</source>
        <extracomment>How the special-group boxes are laid out (title, groups); sensitive groups last.</extracomment>
        <translation>人员信息</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="117"/>
        <source>New resident</source>
        <translation>新增人员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="136"/>
        <source>18 characters; birth date and gender fill in</source>
        <translation>18 位；出生日期和性别自动填写</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="144"/>
        <source>Open that household</source>
        <translation>打开该户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="149"/>
        <location filename="../../gridclient/ui/resident_form.py" line="157"/>
        <source>(not given)</source>
        <translation>（未填）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="186"/>
        <source>Special groups</source>
        <translation>特殊群体</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="189"/>
        <source>Left behind</source>
        <translation>留守人员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="190"/>
        <source>Elderly, disability, veterans</source>
        <translation>老人、残疾、优抚</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="191"/>
        <source>Youth and party</source>
        <translation>青少年与党员</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="192"/>
        <source>Special populations (restricted)</source>
        <translation>特殊人群（限权查看）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="204"/>
        <source>(category)</source>
        <translation>（残疾类别）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="211"/>
        <source>(grade)</source>
        <translation>（残疾等级）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="220"/>
        <source>Disability</source>
        <translation>残疾情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="229"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="231"/>
        <source>Relation to head</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="232"/>
        <source>ID number</source>
        <translation>身份证号码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="239"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="240"/>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="241"/>
        <source>Ethnicity</source>
        <translation>民族</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="242"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="244"/>
        <source>Population type</source>
        <translation>人口类型</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="245"/>
        <source>Residence status</source>
        <translation>人户状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="246"/>
        <source>Workplace / school</source>
        <translation>工作单位/学校</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="247"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="253"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="254"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="341"/>
        <source>{name} in this household already has this ID number. Check whether it is the same person.</source>
        <translation>本户的{name}已使用此身份证号码，请核实是否为同一人。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="355"/>
        <source> (and {count} more)</source>
        <translation>（另有 {count} 人）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="358"/>
        <source>This ID number is already registered for {name} at {address}{others}. It may be the same person: check before saving; nothing is merged.</source>
        <translation>此身份证号码已登记在“{address}”的{name}名下{others}。可能是同一人，请核实后再保存；系统不会自动合并。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/resident_form.py" line="385"/>
        <source>Enter the name.</source>
        <translation>请填写姓名。</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../gridclient/ui/search.py" line="30"/>
        <source>Search name, ID number (or its last digits), phone, address, pinyin (Ctrl+F)</source>
        <translation>搜索姓名、身份证号（或末几位）、电话、地址、拼音首字母 (Ctrl+F)</translation>
    </message>
</context>
<context>
    <name>VisitDialog</name>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="86"/>
        <source>Record visit</source>
        <translation>登记走访</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="89"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="93"/>
        <source>What was talked about or seen</source>
        <translation>走访时了解、看到的情况</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="107"/>
        <source>Content</source>
        <translation>走访内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="109"/>
        <source>Method</source>
        <translation>走访方式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="110"/>
        <source>Date and time (Beijing)</source>
        <translation>走访时间（北京时间）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="111"/>
        <source>Findings</source>
        <translation>发现问题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="112"/>
        <source>Needs</source>
        <translation>群众诉求</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="113"/>
        <source>Follow-up</source>
        <translation>后续跟进</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="114"/>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="116"/>
        <source>Save (Ctrl+Enter)</source>
        <translation>保存（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="120"/>
        <source>Save and next household</source>
        <translation>保存并走访下一户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="123"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="173"/>
        <source>Household not found</source>
        <translation>找不到该户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="175"/>
        <source>This household no longer exists (deleted or moved out of your area).</source>
        <translation>该户已不存在（已删除或已移出您的管辖范围）。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="179"/>
        <source>Visit: {address}</source>
        <translation>走访：{address}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="189"/>
        <source>Discard visit</source>
        <translation>放弃走访记录</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="189"/>
        <source>Discard what you typed for this visit?</source>
        <translation>确定放弃本次走访已填写的内容吗？</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="204"/>
        <source>Enter what the visit was about.</source>
        <translation>请填写走访内容。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/visit_dialog.py" line="227"/>
        <source>Photos are still being prepared; save again in a moment.</source>
        <translation>照片仍在处理中，请稍后再保存。</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../gridclient/app.py" line="42"/>
        <source>Unexpected error</source>
        <translation>程序出错</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="44"/>
        <source>Something went wrong. Your saved data is safe. Please send the file {path} to your IT contact.</source>
        <translation>程序遇到意外错误。已保存的数据是安全的。请把文件 {path} 发给信息员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="85"/>
        <location filename="../../gridclient/app.py" line="100"/>
        <location filename="../../gridclient/app.py" line="126"/>
        <source>GridClient</source>
        <translation>网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="86"/>
        <source>Signing in to a server arrives with the sync feature. Start with --demo to try the application with sample data.</source>
        <translation>连接服务器登录将随同步功能提供。请使用 --demo 启动，用示例数据试用本程序。</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="97"/>
        <source>Preparing the demo data…</source>
        <translation>正在准备演示数据…</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="127"/>
        <source>The demo could not start: {error}</source>
        <translation>演示模式无法启动：{error}</translation>
    </message>
</context>
<context>
    <name>tables</name>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="46"/>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="47"/>
        <location filename="../../gridclient/ui/tables.py" line="67"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="48"/>
        <source>Head of household</source>
        <translation>户主</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="49"/>
        <source>Residents</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="50"/>
        <source>Tags</source>
        <translation>标识</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="51"/>
        <source>Last visit</source>
        <translation>最近走访</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="61"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="62"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="63"/>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="64"/>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="65"/>
        <source>Relation</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="66"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="68"/>
        <source>Special groups</source>
        <translation>特殊人群</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="77"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="78"/>
        <source>Household address</source>
        <translation>住户地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="79"/>
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="80"/>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="81"/>
        <source>Content</source>
        <translation>走访内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="97"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="109"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="110"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="111"/>
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="112"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="113"/>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="114"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="115"/>
        <source>Deadline</source>
        <translation>办理时限</translation>
    </message>
</context>
</TS>
